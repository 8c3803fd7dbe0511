//! Members own their data: "Download my data" ([`export`]) and "Delete my account" ([`erase`]).

pub mod erase;
pub mod export;
#[cfg(test)]
mod tests;

pub use erase::{
    GRACE, PendingDeletion, cancel_deletion, erase_due, erase_now, pending_deletion, pseudonym,
    request_deletion,
};
pub use export::{
    Download, ExportRow, build_pending, download, download_path, latest_export, request_export,
};

/// How often the worker looks for exports to build and accounts due for anonymisation (it is also woken at
/// once by a request, see [`crate::Hearth::wake_privacy`]).
pub const TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// One round of the worker: build the exports waiting, anonymise the accounts whose grace period ended.
pub async fn run_once(hearth: &crate::Hearth) -> crate::DomainResult<(usize, usize)> {
    let built = build_pending(hearth).await?;
    let erased = erase_due(hearth).await?;
    Ok((built, erased))
}

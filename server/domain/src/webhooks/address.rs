//! The SSRF guard of webhook delivery: which addresses a webhook may reach. Decided before any connection, at
//! save time and again at every delivery, by the same rules; the HTTP client resolves names only through
//! [`GuardedResolver`], so it connects to exactly the addresses that were checked (no DNS rebinding).
//!
//! Refused: every block of the IANA IPv4 and IPv6 special-purpose address registries that is not globally
//! reachable (loopback, private, shared/CGNAT, link-local with the cloud metadata address, unique-local,
//! documentation, benchmarking, multicast, reserved, unspecified), IPv4 inside IPv6 (mapped, compatible,
//! NAT64, 6to4) judged as the IPv4 address it carries. Loopback alone can be allowed, for development and
//! tests (`HEARTH_WEBHOOKS_ALLOW_LOOPBACK`, off by default).

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, LazyLock};

/// Why an address may not receive webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Loopback,
    Private,
    SharedAddressSpace,
    LinkLocal,
    UniqueLocal,
    Multicast,
    Unspecified,
    Documentation,
    Benchmarking,
    Reserved,
}

impl Refusal {
    pub fn describe(self) -> &'static str {
        match self {
            Refusal::Loopback => "a loopback address (this server itself)",
            Refusal::Private => "a private network address",
            Refusal::SharedAddressSpace => "a carrier-grade NAT (shared) address",
            Refusal::LinkLocal => "a link-local address (cloud metadata services live there)",
            Refusal::UniqueLocal => "a unique-local IPv6 address (a private network)",
            Refusal::Multicast => "a multicast address",
            Refusal::Unspecified => "the unspecified address",
            Refusal::Documentation => "a documentation address",
            Refusal::Benchmarking => "a benchmarking address",
            Refusal::Reserved => "a reserved special-purpose address",
        }
    }
}

fn v4(net: &str) -> Ipv4Net {
    net.parse().unwrap_or_else(|_| Ipv4Net::default())
}

fn v6(net: &str) -> Ipv6Net {
    net.parse().unwrap_or_else(|_| Ipv6Net::default())
}

/// The IPv4 special-purpose blocks that are not globally reachable.
static V4_BLOCKS: LazyLock<Vec<(Ipv4Net, Refusal)>> = LazyLock::new(|| {
    use Refusal::*;
    [
        ("0.0.0.0/8", Unspecified),
        ("10.0.0.0/8", Private),
        ("100.64.0.0/10", SharedAddressSpace),
        ("127.0.0.0/8", Loopback),
        ("169.254.0.0/16", LinkLocal),
        ("172.16.0.0/12", Private),
        ("192.0.0.0/24", Reserved),
        ("192.0.2.0/24", Documentation),
        ("192.31.196.0/24", Reserved),
        ("192.52.193.0/24", Reserved),
        ("192.88.99.0/24", Reserved),
        ("192.168.0.0/16", Private),
        ("192.175.48.0/24", Reserved),
        ("198.18.0.0/15", Benchmarking),
        ("198.51.100.0/24", Documentation),
        ("203.0.113.0/24", Documentation),
        ("224.0.0.0/4", Multicast),
        ("240.0.0.0/4", Reserved),
    ]
    .into_iter()
    .map(|(net, why)| (v4(net), why))
    .collect()
});

/// The IPv6 special-purpose blocks that are not globally reachable (IPv4-carrying ones are handled apart).
static V6_BLOCKS: LazyLock<Vec<(Ipv6Net, Refusal)>> = LazyLock::new(|| {
    use Refusal::*;
    [
        ("::1/128", Loopback),
        ("::/128", Unspecified),
        ("64:ff9b:1::/48", Private),
        ("100::/64", Reserved),
        ("2001::/23", Reserved),
        ("2001:db8::/32", Documentation),
        ("3fff::/20", Documentation),
        ("5f00::/16", Reserved),
        ("fc00::/7", UniqueLocal),
        ("fe80::/10", LinkLocal),
        ("fec0::/10", LinkLocal),
        ("ff00::/8", Multicast),
        // Everything else under ::/8 (old IPv4-compatible addresses and unassigned space).
        ("::/8", Reserved),
    ]
    .into_iter()
    .map(|(net, why)| (v6(net), why))
    .collect()
});

/// Why `ip` may not receive webhooks, or `None` for a globally reachable unicast address.
pub fn classify(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => classify_v6(ip),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Refusal> {
    V4_BLOCKS
        .iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|(_, why)| *why)
}

fn classify_v6(ip: Ipv6Addr) -> Option<Refusal> {
    let segments = ip.segments();
    let embedded = |hi: usize| Ipv4Addr::from(((segments[hi] as u32) << 16) | segments[hi + 1] as u32);
    // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address it stands for.
    if let Some(mapped) = ip.to_ipv4_mapped() {
        return classify_v4(mapped);
    }
    // NAT64 (64:ff9b::/96): reaches the embedded IPv4 address.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return classify_v4(embedded(6));
    }
    // 6to4 (2002::/16): tunnels to the IPv4 address in bits 16–48.
    if segments[0] == 0x2002 {
        return classify_v4(embedded(1));
    }
    V6_BLOCKS
        .iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|(_, why)| *why)
}

/// Whether `ip` may receive webhooks; loopback only with the development switch.
pub fn allowed(ip: IpAddr, allow_loopback: bool) -> Result<(), Refusal> {
    match classify(ip) {
        None => Ok(()),
        Some(Refusal::Loopback) if allow_loopback => Ok(()),
        Some(why) => Err(why),
    }
}

/// What is wrong with an endpoint's URL, in words for the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlProblem(pub String);

/// Checks a webhook URL and resolves its host, refusing any special-purpose address among the answers.
/// Returns the checked addresses (the only ones a delivery may connect to).
pub async fn vet(raw: &str, allow_loopback: bool) -> Result<(url::Url, Vec<SocketAddr>), UrlProblem> {
    let problem = |m: String| UrlProblem(m);
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        problem(format!(
            "This is not a URL ({e}); write it like https://crm.example.com/hooks."
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(problem(
            "Put credentials in the receiver's check of the signature, not in the URL.".into(),
        ));
    }
    let scheme = url.scheme();
    if scheme != "https" && scheme != "http" {
        return Err(problem("The URL must start with https://.".into()));
    }
    let host = url.host().ok_or_else(|| problem("The URL has no host.".into()))?;
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = match host {
        url::Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        url::Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        url::Host::Domain(name) => resolve(name, port)
            .await
            .map_err(|e| problem(format!("The host {name} could not be resolved ({e}).")))?,
    };
    if addrs.is_empty() {
        return Err(problem("The host has no address.".into()));
    }
    for addr in &addrs {
        if let Err(why) = allowed(addr.ip(), allow_loopback) {
            return Err(problem(format!(
                "The host resolves to {}, {}: webhooks only go to public addresses.",
                addr.ip(),
                why.describe()
            )));
        }
    }
    if scheme == "http" {
        let loopback_only = addrs.iter().all(|a| classify(a.ip()) == Some(Refusal::Loopback));
        if !(allow_loopback && loopback_only) {
            return Err(problem(
                "The URL must start with https:// (plain http is only allowed for loopback receivers in development)."
                    .into(),
            ));
        }
    }
    Ok((url, addrs))
}

async fn resolve(name: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    // `localhost` and its subdomains are loopback whatever the resolver says (RFC 6761).
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return Ok(vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)]);
    }
    Ok(tokio::net::lookup_host((name, port)).await?.collect())
}

/// The HTTP client's only way to turn a name into addresses: resolves, refuses the name if any answer is a
/// special-purpose address, and hands back exactly the addresses it checked.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub allow_loopback: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        let name = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve(&name, 0).await?;
            if addrs.is_empty() {
                return Err(format!("{name} has no address").into());
            }
            for addr in &addrs {
                if let Err(why) = allowed(addr.ip(), allow_loopback) {
                    return Err(format!("{name} resolves to {}, {}", addr.ip(), why.describe()).into());
                }
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

impl GuardedResolver {
    pub fn shared(allow_loopback: bool) -> Arc<GuardedResolver> {
        Arc::new(GuardedResolver { allow_loopback })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(ip: &str) -> Option<Refusal> {
        classify(ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "93.184.215.14",
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
        ] {
            assert_eq!(why(ip), None, "{ip}");
        }
    }

    #[test]
    fn special_ipv4_ranges_are_refused() {
        let cases = [
            ("127.0.0.1", Refusal::Loopback),
            ("127.255.255.254", Refusal::Loopback),
            ("0.0.0.0", Refusal::Unspecified),
            ("0.1.2.3", Refusal::Unspecified),
            ("10.1.2.3", Refusal::Private),
            ("172.16.0.1", Refusal::Private),
            ("172.31.255.255", Refusal::Private),
            ("192.168.1.1", Refusal::Private),
            ("100.64.0.1", Refusal::SharedAddressSpace),
            ("100.100.100.200", Refusal::SharedAddressSpace),
            ("169.254.169.254", Refusal::LinkLocal),
            ("192.0.0.170", Refusal::Reserved),
            ("192.0.2.1", Refusal::Documentation),
            ("198.51.100.7", Refusal::Documentation),
            ("203.0.113.9", Refusal::Documentation),
            ("198.18.0.1", Refusal::Benchmarking),
            ("224.0.0.251", Refusal::Multicast),
            ("239.255.255.250", Refusal::Multicast),
            ("240.0.0.1", Refusal::Reserved),
            ("255.255.255.255", Refusal::Reserved),
        ];
        for (ip, expected) in cases {
            assert_eq!(why(ip), Some(expected), "{ip}");
        }
        // Just outside the blocks.
        for ip in [
            "172.32.0.1",
            "100.128.0.1",
            "11.0.0.1",
            "192.169.0.1",
            "126.255.255.255",
        ] {
            assert_eq!(why(ip), None, "{ip}");
        }
    }

    #[test]
    fn special_ipv6_ranges_are_refused() {
        let cases = [
            ("::1", Refusal::Loopback),
            ("::", Refusal::Unspecified),
            ("fe80::1", Refusal::LinkLocal),
            ("fd00:ec2::254", Refusal::UniqueLocal),
            ("fc00::1", Refusal::UniqueLocal),
            ("ff02::1", Refusal::Multicast),
            ("2001:db8::1", Refusal::Documentation),
            ("2001::1", Refusal::Reserved),
            ("100::1", Refusal::Reserved),
            ("fec0::1", Refusal::LinkLocal),
            ("::127.0.0.1", Refusal::Reserved),
        ];
        for (ip, expected) in cases {
            assert_eq!(why(ip), Some(expected), "{ip}");
        }
    }

    #[test]
    fn ipv4_inside_ipv6_is_judged_as_ipv4() {
        assert_eq!(why("::ffff:127.0.0.1"), Some(Refusal::Loopback));
        assert_eq!(why("::ffff:169.254.169.254"), Some(Refusal::LinkLocal));
        assert_eq!(why("::ffff:10.0.0.1"), Some(Refusal::Private));
        assert_eq!(why("::ffff:8.8.8.8"), None);
        assert_eq!(why("64:ff9b::7f00:1"), Some(Refusal::Loopback));
        assert_eq!(why("64:ff9b::808:808"), None);
        assert_eq!(why("2002:7f00:1::1"), Some(Refusal::Loopback));
        assert_eq!(why("2002:c0a8:101::1"), Some(Refusal::Private));
    }

    #[test]
    fn loopback_only_with_the_development_switch() {
        let lo: IpAddr = Ipv4Addr::LOCALHOST.into();
        assert_eq!(allowed(lo, false), Err(Refusal::Loopback));
        assert_eq!(allowed(lo, true), Ok(()));
        let private: IpAddr = Ipv4Addr::new(10, 0, 0, 1).into();
        assert_eq!(allowed(private, true), Err(Refusal::Private));
    }

    #[tokio::test]
    async fn urls_are_vetted_before_any_connection() {
        for url in [
            "http://127.0.0.1/hook",
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://0.0.0.0/hook",
            "https://localhost/hook",
            "https://api.localhost/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.5/hook",
        ] {
            assert!(vet(url, false).await.is_err(), "{url} must be refused");
        }
        let err = vet("ftp://example.com/", false).await.unwrap_err();
        assert!(err.0.contains("https"), "{err:?}");
        let err = vet("https://user:pw@example.com/", false).await.unwrap_err();
        assert!(err.0.contains("credentials"), "{err:?}");
        // With the switch, loopback receivers over plain http are allowed, private networks still are not.
        assert!(vet("http://127.0.0.1:9/hook", true).await.is_ok());
        assert!(vet("http://localhost:9/hook", true).await.is_ok());
        assert!(vet("http://10.0.0.5/hook", true).await.is_err());
        assert!(vet("https://[::ffff:10.0.0.5]/hook", true).await.is_err());
    }
}

//! `hearth`: serve (default), migrate, seed-demo, seed-scale, talking-point rebuild, create-user, …

use clap::{Parser, Subcommand, ValueEnum};
use server::config::{Config, redact_url};
use server::{Application, seed, startup, telemetry};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "hearth", version, about = "A branded customer community platform")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the community (applies pending migrations first). The default.
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Fill the database with a demo community for a fictional brand (idempotent).
    SeedDemo,
    /// Fill an empty forum with a community of realistic size (for benchmarks).
    SeedScale {
        #[arg(long, default_value_t = 100_000)]
        members: i64,
        #[arg(long, default_value_t = 50_000)]
        topics: i64,
        #[arg(long, default_value_t = 1_000_000)]
        posts: i64,
        /// Posts of the one very long topic.
        #[arg(long, default_value_t = 25_000)]
        longest: i64,
        /// Questions ("Anybody experience with …?") with their products and 0–3 answers each.
        #[arg(long, default_value_t = 0)]
        questions: i64,
        /// Ideas (with `--idea-votes` votes in all), seeded also into a forum seeded before, once.
        #[arg(long, default_value_t = 0)]
        ideas: i64,
        #[arg(long, default_value_t = 0)]
        idea_votes: i64,
        /// Do nothing (successfully) when the forum already has topics.
        #[arg(long)]
        if_empty: bool,
    },
    /// Print personal API tokens of the first N generated members (`rider…`), one per line (for benchmarks).
    BenchTokens {
        #[arg(long, default_value_t = 200)]
        count: i64,
    },
    /// Talking Point: `rebuild` recomputes every bucket from the posts and mentions, then the ranking.
    TalkingPoint {
        #[command(subcommand)]
        action: TalkingPointAction,
    },
    /// Insights: `backfill --from DATE` recomputes the daily rollups from that day to today.
    Insights {
        #[command(subcommand)]
        action: InsightsAction,
    },
    /// Recompute every member's reputation and club tier now, in batches of 1,000 (prints members and time).
    RecomputeReputation,
    /// Create a verified account, e.g. the first admin.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long, value_enum, default_value = "member")]
        role: RoleArg,
    },
}

#[derive(Subcommand)]
enum TalkingPointAction {
    /// Recount every post and mention into the hourly buckets (with a progress bar), then re-rank.
    Rebuild,
}

#[derive(Subcommand)]
enum InsightsAction {
    /// Recompute the daily rollups of every day from `--from` (YYYY-MM-DD, UTC) to today, with a progress bar.
    Backfill {
        #[arg(long)]
        from: chrono::NaiveDate,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Staff,
    Moderator,
    Product,
    Member,
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("hearth: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hearth: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    match command {
        Command::Serve => {
            let app = Application::build(config).await.map_err(|e| e.to_string())?;
            app.run_until_stopped()
                .await
                .map_err(|e| format!("server stopped: {e}"))
        }
        Command::Migrate => {
            startup::connect(&config).await.map_err(|e| e.to_string())?;
            println!("database {} is migrated", redact_url(&config.database_url));
            Ok(())
        }
        Command::SeedDemo => {
            let hearth = startup::connect(&config).await.map_err(|e| e.to_string())?;
            seed::seed_demo(&hearth).await.map_err(|e| describe(&e))?;
            println!(
                "demo community seeded; every demo account's password is {}",
                seed::DEMO_PASSWORD
            );
            for account in seed::DEMO_ACCOUNTS {
                let roles: Vec<&str> = account.roles.iter().map(|r| r.as_str()).collect();
                println!(
                    "  {:<16} {}",
                    account.username,
                    if roles.is_empty() {
                        "member".to_owned()
                    } else {
                        roles.join(", ")
                    }
                );
            }
            Ok(())
        }
        Command::SeedScale {
            members,
            topics,
            posts,
            longest,
            questions,
            ideas,
            idea_votes,
            if_empty,
        } => {
            startup::connect(&config).await.map_err(|e| e.to_string())?;
            let password = domain::accounts::Password::parse_new(server::seed_scale::SCALE_PASSWORD, &[])
                .map_err(|e| format!("seed password: {e}"))?;
            let hash = domain::accounts::password::hash(&password)
                .await
                .map_err(|e| describe(&e))?;
            let options = server::seed_scale::ScaleOptions {
                members,
                topics,
                posts,
                longest,
                questions,
                if_empty,
            };
            let summary = server::seed_scale::seed_scale(&config.database_url, &hash, options).await?;
            println!("{summary}");
            let ideas = server::seed_scale::seed_ideas(&config.database_url, ideas, idea_votes).await?;
            if !ideas.is_empty() {
                println!("{ideas}");
            }
            let history = server::seed_scale::seed_history(&config.database_url).await?;
            if !history.is_empty() {
                println!("{history}");
            }
            Ok(())
        }
        Command::BenchTokens { count } => {
            let hearth = startup::connect(&config).await.map_err(|e| e.to_string())?;
            let tokens = domain::accounts::api_tokens::issue_for_members(&hearth, "rider", count)
                .await
                .map_err(|e| describe(&e))?;
            for token in tokens {
                println!("{token}");
            }
            Ok(())
        }
        Command::TalkingPoint {
            action: TalkingPointAction::Rebuild,
        } => {
            let hearth = startup::connect(&config).await.map_err(|e| e.to_string())?;
            let started = std::time::Instant::now();
            let mut bar: Option<server::seed_scale::Progress> = None;
            let counted = domain::talking_point::counting::rebuild(&hearth, |done, total| {
                bar.get_or_insert_with(|| server::seed_scale::Progress::new("counted", total))
                    .tick(done);
            })
            .await
            .map_err(|e| describe(&e))?;
            domain::talking_point::refresh_now(&hearth)
                .await
                .map_err(|e| describe(&e))?;
            println!(
                "Talking Point rebuilt from {counted} posts and mentions in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Insights {
            action: InsightsAction::Backfill { from },
        } => {
            let hearth = startup::connect(&config).await.map_err(|e| e.to_string())?;
            let mut bar: Option<server::seed_scale::Progress> = None;
            let took = domain::insights::rollup::backfill(&hearth, from, |done, total| {
                bar.get_or_insert_with(|| server::seed_scale::Progress::new("days", total))
                    .tick(done);
            })
            .await
            .map_err(|e| describe(&e))?;
            let days = (chrono::Utc::now().date_naive() - from).num_days() + 1;
            println!(
                "Insights rolled up for {days} days in {:.1} s ({:.0} ms per day)",
                took.as_secs_f64(),
                took.as_secs_f64() * 1000.0 / days.max(1) as f64
            );
            Ok(())
        }
        Command::RecomputeReputation => {
            let hearth = startup::connect(&config).await.map_err(|e| e.to_string())?;
            let started = std::time::Instant::now();
            let members = domain::reputation::recompute_all(&hearth)
                .await
                .map_err(|e| describe(&e))?;
            println!(
                "reputation recomputed for {members} members in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::CreateUser {
            email,
            username,
            password,
            role,
        } => {
            let hearth = startup::connect(&config).await.map_err(|e| e.to_string())?;
            let roles = match role {
                RoleArg::Admin => vec![domain::accounts::Role::Admin],
                RoleArg::Staff => vec![domain::accounts::Role::Staff],
                RoleArg::Moderator => vec![domain::accounts::Role::Moderator],
                RoleArg::Product => vec![domain::accounts::Role::Product],
                RoleArg::Member => vec![],
            };
            let input = domain::accounts::NewAccount {
                email,
                username,
                password,
                roles,
                display_name: None,
            };
            let row = domain::accounts::create_verified(&hearth, &input, false)
                .await
                .map_err(|e| describe(&e))?;
            println!(
                "created {} (id {}) with roles: {}",
                row.username,
                row.id,
                domain::accounts::Roles::from_db(&row.roles).names().join(", ")
            );
            Ok(())
        }
    }
}

/// One line for a domain error: the fields that failed, or the cause.
fn describe(e: &domain::DomainError) -> String {
    let fields = e.fields();
    if fields.is_empty() {
        match e {
            domain::DomainError::Internal(cause) => cause.clone(),
            other => other.public_message(),
        }
    } else {
        fields
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

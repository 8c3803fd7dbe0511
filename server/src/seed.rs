//! `hearth seed-demo`: a demo community for a fictional brand, idempotent (run it as often as you like).

use domain::accounts::{self, Actor, AuthMethod, NewAccount, Role};
use domain::brand::{self, BrandInput};
use domain::forums::{self, CategoryInput, NewTopicInput, ReplyInput};
use domain::{DomainResult, Hearth};
use std::collections::HashMap;

/// The password of every demo account (printed by the command and in the README).
pub const DEMO_PASSWORD: &str = "lumen-demo-2026";

pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub roles: &'static [Role],
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "ada_admin",
        display_name: "Ada (Lumen admin)",
        roles: &[Role::Admin],
    },
    DemoAccount {
        username: "sam_support",
        display_name: "Sam from Lumen Support",
        roles: &[Role::Staff],
    },
    DemoAccount {
        username: "mo_moderator",
        display_name: "Mo",
        roles: &[Role::Moderator],
    },
    DemoAccount {
        username: "pia_product",
        display_name: "Pia, Lumen product team",
        roles: &[Role::Product, Role::Staff],
    },
    DemoAccount {
        username: "alex_rides",
        display_name: "Alex",
        roles: &[],
    },
    DemoAccount {
        username: "jordan_commutes",
        display_name: "Jordan",
        roles: &[],
    },
    DemoAccount {
        username: "taylor_trails",
        display_name: "Taylor",
        roles: &[],
    },
];

pub async fn seed_demo(hearth: &Hearth) -> DomainResult<()> {
    brand::seed(
        hearth,
        &BrandInput {
            name: "Lumen Bikes".into(),
            tagline: "Ride further, together.".into(),
            color_primary: "#1d5b79".into(),
            color_accent: "#9c4312".into(),
            logo_alt: String::new(),
        },
    )
    .await?;
    let mut actors: HashMap<&str, Actor> = HashMap::new();
    for account in DEMO_ACCOUNTS {
        let row = accounts::create_verified(
            hearth,
            &NewAccount {
                email: format!("{}@lumen.example", account.username.replace('_', ".")),
                username: account.username.into(),
                password: DEMO_PASSWORD.into(),
                roles: account.roles.to_vec(),
                display_name: Some(account.display_name.into()),
            },
            true,
        )
        .await?;
        actors.insert(
            account.username,
            Actor::from_row(&row, AuthMethod::Session { key: String::new() }),
        );
    }
    domain::forums::seed::join_club(hearth, &actors["taylor_trails"]).await?;
    let taylor = actors["taylor_trails"].clone().in_club(true);
    actors.insert("taylor_trails", taylor);
    for (slug, name, rank, min) in DEMO_TIERS {
        domain::club::ensure_tier(hearth, slug, name, *rank, *min).await?;
    }
    seed_forums(hearth, &actors).await?;
    seed_qa(hearth, &actors).await?;
    seed_ideas(hearth, &actors).await?;
    seed_club(hearth, &actors).await?;
    seed_moderation(hearth, &actors).await?;
    // A believable past: the content above spread over the last four weeks (once, while it is fresh).
    domain::forums::seed::spread_history(hearth, 28).await?;
    seed_talking_point(hearth, &actors["sam_support"]).await?;
    // Reputation and tiers from what the seed wrote (a small community: one pass).
    domain::reputation::recompute_all(hearth).await?;
    // What the seed wrote in the demo members' names does not count against their pace.
    for actor in actors.values() {
        forums::forget_pace(hearth, actor.id).await?;
    }
    // Insights' rollups of the last weeks, so that its charts show the demo at once.
    let since = chrono::Utc::now().date_naive() - chrono::Duration::days(35);
    domain::insights::rollup::backfill(hearth, since, |_, _| {}).await?;
    Ok(())
}

/// Mentions of the brand from two sources outside the community (idempotent by source and id): a rising
/// complaint about battery range after the firmware update, praise for the brake pads, and a steady hum about
/// saddles on the same weekday of the last weeks; then Talking Point is counted and ranked once.
async fn seed_talking_point(hearth: &Hearth, staff: &Actor) -> DomainResult<()> {
    use domain::talking_point::mentions::{MentionInput, ingest};
    let now = chrono::Utc::now();
    let at = |days: i64, hours: i64| {
        (now - chrono::Duration::days(days) - chrono::Duration::hours(hours)).to_rfc3339()
    };
    let said = [
        (
            "twitter",
            "Battery range dropped by a third after the firmware update. Not happy.",
            -0.6,
        ),
        (
            "twitter",
            "Anyone else losing battery range since the firmware update? Lumen please fix",
            -0.4,
        ),
        (
            "support",
            "Customer reports battery range down to 40 km after the firmware update.",
            -0.3,
        ),
        (
            "twitter",
            "Firmware update ate my battery range, commute is now a gamble",
            -0.5,
        ),
        (
            "support",
            "Second call today about battery range after the firmware update.",
            -0.2,
        ),
        (
            "trustpilot",
            "The new brake pads are superb in the wet, great service too.",
            0.8,
        ),
        (
            "trustpilot",
            "Brake pads arrived quickly, fitted in ten minutes, lovely bike.",
            0.7,
        ),
        (
            "twitter",
            "Loving the brake pads upgrade on my Lumen, stops on a dime",
            0.6,
        ),
    ];
    let mut items: Vec<MentionInput> = said
        .iter()
        .enumerate()
        .map(|(i, (source, text, sentiment))| MentionInput {
            source: (*source).into(),
            external_id: format!("demo-{i}"),
            url: format!("https://{source}.example/lumen/{i}"),
            author_handle: format!("rider{}", 100 + i),
            text: (*text).into(),
            posted_at: at(0, i as i64 + 1),
            sentiment: Some(*sentiment),
        })
        .collect();
    for week in 1..=4 {
        for j in 0..2 {
            items.push(MentionInput {
                source: "trustpilot".into(),
                external_id: format!("demo-saddle-{week}-{j}"),
                url: format!("https://trustpilot.example/lumen/saddle-{week}-{j}"),
                author_handle: format!("saddle_fan{week}{j}"),
                text: "The saddle is comfortable enough on long rides.".into(),
                posted_at: at(week * 7, 2 + j),
                sentiment: None,
            });
        }
    }
    ingest(hearth, staff, &items, true).await?;
    domain::talking_point::refresh_now(hearth).await?;
    Ok(())
}

/// A few posts for the moderators and the staff inbox, once: two held by the rules, one unhappy customer.
async fn seed_moderation(hearth: &Hearth, actors: &HashMap<&str, Actor>) -> DomainResult<()> {
    let moderator = &actors["mo_moderator"];
    let queue = domain::moderation::queue::list(hearth, moderator, &Default::default(), 1).await?;
    let inbox = domain::moderation::inbox::list(hearth, &actors["sam_support"], None, None, 1).await?;
    if queue.open > 0 || inbox.waiting > 0 {
        return Ok(()); // seeded before
    }
    let viewer = forums::Viewer::of(Some(moderator));
    let help = forums::category_by_slug(hearth, &viewer, "tech-help").await?;
    let latest = forums::views::list_topics(
        hearth,
        &viewer,
        forums::views::TopicScope::Category(help.id),
        None,
        3,
    )
    .await?;
    let Some(topic) = latest.items.first().map(|t| domain::ids::TopicId(t.id)) else {
        return Ok(());
    };
    for (who, text) in [
        ("jordan_commutes", "+1"),
        (
            "alex_rides",
            "Cheap batteries here: https://deals.example/battery and https://deals.example/charger",
        ),
        (
            "jordan_commutes",
            "Really disappointed. My City's battery died twice this month, the shop was useless and nobody \
             answered my e-mails. Terrible experience.",
        ),
    ] {
        forums::reply(
            hearth,
            &actors[who],
            topic,
            &ReplyInput {
                body: text.into(),
                quote_post_id: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The club's tiers (slug, name, rank, reputation threshold) and the demo members' tiers.
const DEMO_TIERS: &[(&str, &str, i32, i32)] = &[
    ("fan", "Fan", 10, 0),
    ("insider", "Insider", 20, 200),
    ("vip", "VIP", 30, 1000),
];

/// Perks per tier (tier, title, text, code) and three upcoming events, once.
async fn seed_club(hearth: &Hearth, actors: &HashMap<&str, Actor>) -> DomainResult<()> {
    use domain::club;
    let admin = &actors["ada_admin"];
    let tiers = club::tiers_with_perks(hearth, None, true).await?;
    if tiers.iter().all(|t| t.perks.is_empty()) {
        let perks = [
            (
                "fan",
                "10% off accessories",
                "In the Lumen web shop, once a year.",
                "FAN10",
            ),
            (
                "fan",
                "Club-only news",
                "The Fan lounge hears about new models first.",
                "",
            ),
            (
                "insider",
                "Early firmware",
                "Try motor and app firmware a month before everyone.",
                "",
            ),
            (
                "vip",
                "Prototype test rides",
                "Ride next year's models at the test track and tell the engineers.",
                "VIP-TRACK",
            ),
        ];
        for (tier, title, body, code) in perks {
            club::add_perk(
                hearth,
                admin,
                tier,
                &club::PerkInput {
                    title: title.into(),
                    body: body.into(),
                    code: code.into(),
                    link: String::new(),
                },
            )
            .await?;
        }
    }
    if !club::list_events(hearth, None, false, None).await?.is_empty() {
        return Ok(());
    }
    let staff = &actors["sam_support"];
    let day = |n: i64| {
        (chrono::Utc::now().date_naive() + chrono::Duration::days(n))
            .and_hms_opt(18, 30, 0)
            .map(|t| t.and_utc().to_rfc3339())
            .unwrap_or_default()
    };
    let events = [
        (
            "Night ride through Utrecht",
            "A relaxed 25 km loop with lights, ending with hot chocolate at Lumen HQ.",
            "Lumen HQ, Utrecht",
            14,
            25,
            "",
            "",
            0,
        ),
        (
            "Factory tour and battery lab",
            "See where the packs are built and tested; ask the engineers anything.",
            "Lumen factory, Eindhoven",
            30,
            12,
            "fan",
            "insider",
            7,
        ),
        (
            "VIP prototype test day",
            "Ride next year's prototypes on the test track.",
            "Lumen test track",
            45,
            8,
            "vip",
            "",
            0,
        ),
    ];
    for (title, description, place, in_days, capacity, min_tier, early_tier, early_days) in events {
        club::create_event(
            hearth,
            staff,
            &club::EventInput {
                title: title.into(),
                description: description.into(),
                place: place.into(),
                starts_at: day(in_days),
                capacity,
                min_tier: min_tier.into(),
                early_tier: early_tier.into(),
                early_until: if early_tier.is_empty() {
                    String::new()
                } else {
                    day(early_days)
                },
                ..club::EventInput::default()
            },
        )
        .await?;
    }
    Ok(())
}

async fn seed_ideas(hearth: &Hearth, actors: &HashMap<&str, Actor>) -> DomainResult<()> {
    use domain::{club, ideas, qa};
    club::set_member_tier(hearth, actors["taylor_trails"].id, Some("vip")).await?;
    let board = ideas::list_ideas(
        hearth,
        None,
        &ideas::BoardQuery {
            limit: 1,
            ..Default::default()
        },
    )
    .await?;
    if !board.items.is_empty() {
        return Ok(()); // seeded before
    }
    let products = qa::list_products(hearth).await?;
    let product = |slug: &str| products.iter().find(|p| p.slug == slug).map(|p| p.id.0);
    let idea = |title: &str, body: &str, product_id: Option<i64>| ideas::NewIdeaInput {
        title: title.into(),
        body: body.into(),
        product_id,
        category_id: None,
    };
    let range = ideas::submit(
        hearth,
        &actors["alex_rides"],
        &idea(
            "Show the remaining range in the app, not just the battery %",
            "Battery percent says little on hilly rides. An estimate in **km**, based on my last rides, would help me plan.",
            product("lumen-x2"),
        ),
    )
    .await?;
    let lights = ideas::submit(
        hearth,
        &actors["taylor_trails"],
        &idea(
            "Lights that switch on by themselves at dusk",
            "I forget to switch the lights on when the evening comes. A light sensor could do it.",
            product("lumen-city"),
        ),
    )
    .await?;
    ideas::submit(
        hearth,
        &actors["jordan_commutes"],
        &idea(
            "A rear rack that takes panniers and a child seat",
            "Today it is one or the other. Commuting with a kid means I need both.",
            product("lumen-city"),
        ),
    )
    .await?;
    for who in ["jordan_commutes", "taylor_trails"] {
        ideas::vote(hearth, &actors[who], range, true).await?;
    }
    for who in ["alex_rides", "jordan_commutes"] {
        ideas::vote(hearth, &actors[who], lights, true).await?;
    }
    ideas::comment(
        hearth,
        &actors["jordan_commutes"],
        range,
        "Yes! Especially in winter, when the range drops.",
    )
    .await?;
    let pia = &actors["pia_product"];
    ideas::change_status(
        hearth,
        pia,
        range,
        "planned",
        "Planned for the spring app release. We will use your last 10 rides.",
    )
    .await?;
    ideas::change_status(
        hearth,
        pia,
        lights,
        "in_progress",
        "Prototype sensors are on test bikes.",
    )
    .await?;
    ideas::change_status(
        hearth,
        pia,
        lights,
        "shipped",
        "Shipped in firmware 3.1: lights turn on when it gets dark. Thank you for asking!",
    )
    .await?;
    Ok(())
}

struct DemoCategory {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    color: &'static str,
    visibility: &'static str,
    posting: &'static str,
    /// For club-only categories: the lowest tier that may enter ("" for every club member).
    min_tier: &'static str,
}

const DEMO_CATEGORIES: &[DemoCategory] = &[
    DemoCategory {
        slug: "announcements",
        name: "Announcements",
        description: "News from the Lumen team.",
        color: "#1d5b79",
        visibility: "public",
        posting: "staff",
        min_tier: "",
    },
    DemoCategory {
        slug: "tech-help",
        name: "Tech help",
        description: "Anybody experience with …? Batteries, motors, brakes, apps.",
        color: "#2d6a4f",
        visibility: "public",
        posting: "everyone",
        min_tier: "",
    },
    DemoCategory {
        slug: "rides-and-routes",
        name: "Rides & routes",
        description: "Share routes, plan group rides, show your trips.",
        color: "#7a2e0e",
        visibility: "public",
        posting: "everyone",
        min_tier: "",
    },
    DemoCategory {
        slug: "fan-lounge",
        name: "Fan lounge",
        description: "For fan-club members: early news and events.",
        color: "#6b3fa0",
        visibility: "club",
        posting: "everyone",
        min_tier: "",
    },
    DemoCategory {
        slug: "vip-lounge",
        name: "VIP lounge",
        description: "For VIP members of the fan club: prototypes, test rides and a direct line to the team.",
        color: "#5c2d91",
        visibility: "club",
        posting: "everyone",
        min_tier: "vip",
    },
    DemoCategory {
        slug: "questions",
        name: "Anybody experience with …?",
        description: "Questions for riders who own the product, answered by owners and the team.",
        color: "#8a5a00",
        visibility: "public",
        posting: "everyone",
        min_tier: "",
    },
    DemoCategory {
        slug: "ideas",
        name: "Ideas",
        description: "What should Lumen build next? Propose, vote, and hear back from the product team.",
        color: "#0f5e5a",
        visibility: "public",
        posting: "everyone",
        min_tier: "",
    },
    DemoCategory {
        slug: "team-room",
        name: "Team room",
        description: "The Lumen team only.",
        color: "#4a4a4a",
        visibility: "staff",
        posting: "everyone",
        min_tier: "",
    },
];

/// (category, author, title, body, replies as (author, body))
type DemoTopic = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const DEMO_TOPICS: &[DemoTopic] = &[
    (
        "announcements",
        "sam_support",
        "Welcome to the Lumen Bikes community",
        "Hi everyone! This is the place to ask **other riders** and our team.\n\nPlease read the [acceptable use policy](/policy) first.",
        &[("alex_rides", "Great to have a place for this!")],
    ),
    (
        "tech-help",
        "alex_rides",
        "Anybody experience with the X2 battery in winter?",
        "I ride to work all year. How much range do you lose below zero with the **X2** 500 Wh pack?",
        &[
            (
                "jordan_commutes",
                "About 20% at -5 °C for me. Keep the battery indoors overnight and it helps a lot.",
            ),
            (
                "sam_support",
                "Official answer: lithium cells lose capacity in the cold. Store the pack above 10 °C and charge at room temperature. @alex_rides, the winter cover also helps.",
            ),
            (
                "taylor_trails",
                "+1 on the cover. I also switched to eco mode on cold mornings.",
            ),
        ],
    ),
    (
        "tech-help",
        "jordan_commutes",
        "Brake pads squeal when it rains",
        "Both disc brakes squeal in the rain since the last service. Pads or rotors?",
        &[(
            "alex_rides",
            "Clean the rotors with isopropyl alcohol first. Usually fixes it for me.",
        )],
    ),
    (
        "tech-help",
        "jordan_commutes",
        "Firmware 3.2 ruined my range",
        "Since the 3.2 update my range is terrible. This is really frustrating, I am disappointed and nobody has answered my support ticket in a week.",
        &[(
            "taylor_trails",
            "Same here, the update is awful. My commute range dropped from 60 to 35 km and the display freezes.",
        )],
    ),
    (
        "rides-and-routes",
        "taylor_trails",
        "Sunday group ride along the river (40 km)",
        "Meeting at the old bridge at 9:00. Easy pace, coffee stop halfway.",
        &[("jordan_commutes", "I'm in! Bringing a friend on a rental.")],
    ),
    (
        "fan-lounge",
        "taylor_trails",
        "Early look at the spring tour dates?",
        "Has anyone in the club heard when the spring tour tickets open?",
        &[(
            "pia_product",
            "Club members get a two-day head start. Dates come next week!",
        )],
    ),
    (
        "team-room",
        "pia_product",
        "Feedback round-up: winter range questions",
        "Lots of winter range questions in Tech help. Should we write a guide?",
        &[("sam_support", "Yes, I can draft it this week.")],
    ),
];

async fn seed_forums(hearth: &Hearth, actors: &HashMap<&str, Actor>) -> DomainResult<()> {
    let admin = &actors["ada_admin"];
    let existing = forums::list_categories(hearth, &forums::Viewer::of(Some(admin))).await?;
    let mut ids = HashMap::new();
    for (position, c) in DEMO_CATEGORIES.iter().enumerate() {
        let category = match existing.iter().find(|e| e.slug == c.slug) {
            Some(found) => found.clone(),
            None => {
                forums::create_category(
                    hearth,
                    admin,
                    &CategoryInput {
                        slug: c.slug.into(),
                        name: c.name.into(),
                        description: c.description.into(),
                        position: position as i32,
                        color: c.color.into(),
                        visibility: c.visibility.into(),
                        posting: c.posting.into(),
                        min_tier: c.min_tier.into(),
                    },
                )
                .await?
            }
        };
        ids.insert(c.slug, category);
    }
    for (slug, author, title, body, replies) in DEMO_TOPICS {
        if ids[slug].topic_count > 0 {
            continue; // seeded before: leave what is there
        }
        let input = NewTopicInput {
            category_id: ids[slug].id.0,
            title: (*title).into(),
            body: (*body).into(),
        };
        let (topic, _) = forums::create_topic(hearth, &actors[author], &input).await?;
        for (who, text) in *replies {
            forums::reply(
                hearth,
                &actors[who],
                topic.id,
                &ReplyInput {
                    body: (*text).into(),
                    quote_post_id: None,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// (slug, name, versions)
const DEMO_PRODUCTS: &[(&str, &str, &[&str])] = &[
    ("lumen-x2", "Lumen X2 e-bike", &["2025", "2026"]),
    ("lumen-city", "Lumen City", &["2024", "2026"]),
    ("fast-charger", "Fast charger 4A", &[]),
];

/// (member, product slugs, since, may be asked)
const DEMO_OWNERS: &[(&str, &[&str], Option<&str>, bool)] = &[
    (
        "alex_rides",
        &["lumen-x2", "fast-charger"],
        Some("2024-03-01"),
        true,
    ),
    ("jordan_commutes", &["lumen-city"], Some("2025-06-15"), true),
    ("taylor_trails", &["lumen-x2"], None, false),
];

async fn seed_qa(hearth: &Hearth, actors: &HashMap<&str, Actor>) -> DomainResult<()> {
    use domain::qa;
    let mut products = qa::list_products(hearth).await?;
    for (slug, name, versions) in DEMO_PRODUCTS {
        if products.iter().all(|p| p.slug != *slug) {
            let input = qa::NewProductInput {
                name: (*name).into(),
                slug: (*slug).into(),
                parent_id: None,
                versions: versions.iter().map(|v| (*v).to_owned()).collect(),
            };
            products.push(qa::create_product(hearth, &actors["sam_support"], &input).await?);
        }
    }
    let id = |slug: &str| {
        products
            .iter()
            .find(|p| p.slug == slug)
            .map(|p| p.id.0)
            .unwrap_or_default()
    };
    for (who, owned, since, ask_me) in DEMO_OWNERS {
        let since = since.and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        let items: Vec<_> = owned.iter().map(|slug| (id(slug), since)).collect();
        qa::set_owned(hearth, &actors[who], &items, *ask_me).await?;
    }
    let viewer = forums::Viewer::anonymous();
    let asked = qa::list_questions(
        hearth,
        &viewer,
        &qa::ListQuery {
            limit: 1,
            ..Default::default()
        },
    )
    .await?;
    if !asked.items.is_empty() {
        return Ok(()); // seeded before
    }
    let ask = |title: &str, body: &str, products: Vec<i64>| qa::AskInput {
        title: title.into(),
        body: body.into(),
        products,
        category_id: None,
    };
    let charging = qa::ask(
        hearth,
        &actors["jordan_commutes"],
        &ask(
            "Anybody experience with the fast charger on the X2?",
            "Thinking of buying the 4A fast charger. Does it heat the **X2** battery, and how long does a full charge take?",
            vec![id("lumen-x2"), id("fast-charger")],
        ),
    )
    .await?;
    let reply = |body: &str| ReplyInput {
        body: body.into(),
        quote_post_id: None,
    };
    let owner_answer = forums::reply(
        hearth,
        &actors["alex_rides"],
        charging,
        &reply("I use it daily: 0–100 % in about 3.5 hours, the pack stays barely warm."),
    )
    .await?;
    forums::reply(
        hearth,
        &actors["sam_support"],
        charging,
        &reply("Official answer: the 4A charger is approved for the X2 and charges at a battery-safe rate. Around 3.5 h from empty."),
    )
    .await?;
    qa::vote(hearth, &actors["taylor_trails"], owner_answer.id, 1).await?;
    qa::accept(hearth, &actors["jordan_commutes"], owner_answer.id).await?;
    qa::ask(
        hearth,
        &actors["taylor_trails"],
        &ask(
            "Does the Lumen City fit a child seat on the rack?",
            "Planning rides with my kid. Which child seats fit the City's rear rack?",
            vec![id("lumen-city")],
        ),
    )
    .await?;
    Ok(())
}

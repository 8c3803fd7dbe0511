//! `hearth seed-scale`: fills an empty forum with a community of realistic size — members with a skewed
//! activity (a few very active, most rarely posting), categories, topics with heavy-tailed reply counts (one
//! of them very long), three years of dates and generated text (a Zipf-distributed vocabulary of several thousand
//! words with products, two-word phrases and a few recent bursts) — through PostgreSQL `COPY`. Secondary indexes
//! of posts and topics are dropped during the load and rebuilt after (much faster than maintaining them row by
//! row); their definitions are read from the database, so the migrations stay their only source.

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use futures_util::SinkExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::time::Instant;
use tokio_postgres::{Client, NoTls};

/// The password of every generated member.
pub const SCALE_PASSWORD: &str = "scale-seed-2026";

#[derive(Debug, Clone, Copy)]
pub struct ScaleOptions {
    pub members: i64,
    pub topics: i64,
    pub posts: i64,
    /// Posts of the one very long topic (page 1000 of it must exist: ≥ 20,000).
    pub longest: i64,
    /// Questions (topics of kind `question` in the `questions` category) with products and 0–3 answers.
    pub questions: i64,
    /// Skip quietly when the forum already has topics.
    pub if_empty: bool,
}

const WORDS: &[&str] = &[
    "battery",
    "range",
    "motor",
    "charger",
    "brake",
    "pads",
    "rotor",
    "chain",
    "cassette",
    "tyre",
    "tube",
    "sealant",
    "saddle",
    "handlebar",
    "grips",
    "display",
    "app",
    "firmware",
    "update",
    "bluetooth",
    "lights",
    "rack",
    "panniers",
    "commute",
    "winter",
    "rain",
    "hill",
    "climb",
    "descent",
    "cadence",
    "torque",
    "assist",
    "mode",
    "eco",
    "turbo",
    "warranty",
    "dealer",
    "service",
    "cable",
    "derailleur",
    "gear",
    "shift",
    "noise",
    "squeak",
    "click",
    "rattle",
    "frame",
    "fork",
    "suspension",
    "pressure",
    "tread",
    "gravel",
    "road",
    "trail",
    "city",
    "route",
    "ride",
    "trip",
    "kilometres",
    "hours",
    "weekend",
    "morning",
    "evening",
    "cold",
    "heat",
    "charge",
    "cells",
    "capacity",
    "voltage",
    "sensor",
    "speed",
    "wheel",
    "spokes",
    "hub",
    "bearing",
    "grease",
    "clean",
    "replace",
    "adjust",
    "tighten",
    "check",
    "works",
    "fails",
    "stopped",
    "started",
    "noticed",
    "tried",
    "recommend",
    "suggest",
    "helped",
    "fixed",
    "broken",
    "new",
    "old",
    "great",
    "fine",
    "better",
    "worse",
    "quiet",
    "loud",
    "smooth",
    "heavy",
    "light",
    "fast",
    "slow",
    "the",
    "a",
    "my",
    "your",
    "this",
    "that",
    "with",
    "after",
    "before",
    "during",
    "when",
    "because",
    "and",
    "but",
    "also",
    "really",
    "quite",
    "still",
    "again",
    "every",
    "some",
    "most",
    "about",
    "around",
    "than",
    "only",
    "just",
    "i",
    "we",
    "you",
    "it",
    "they",
    "have",
    "had",
    "was",
    "is",
    "are",
    "did",
    "do",
    "can",
    "could",
    "would",
    "should",
];
const PRODUCTS: &[&str] = &[
    "X2",
    "X3 Trail",
    "Metro 7",
    "Cargo Plus",
    "Urban S",
    "Tour 500",
    "Kids 20",
    "Fold One",
];
const PARTS: &[&str] = &[
    "battery",
    "motor",
    "display",
    "brakes",
    "rear rack",
    "lights",
    "charger",
    "app",
    "saddle",
    "tyres",
];
const NAMES: &[&str] = &[
    "Alex", "Sam", "Jordan", "Taylor", "Robin", "Kim", "Noor", "Lea", "Jonas", "Mia", "Ravi", "Ana", "Tom",
    "Yuki", "Ola",
];

/// Syllables of the generated part of the vocabulary (a real community's long tail of rare words: model names,
/// places, misspellings, jargon). Two or three of them make a word.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ter", "van", "sel", "dor", "ri", "po", "nex", "tal", "bri", "su", "fen", "gar", "lu",
    "mon", "pra", "zel", "qui", "ost", "ber", "cal", "dri", "ep", "fo", "gil", "hu", "jas", "kor", "lim",
    "nor",
];
/// Two-word phrases people use about bikes, weighted by rank like the words.
const PHRASES: &[&str] = &[
    "brake pads",
    "battery range",
    "firmware update",
    "rear rack",
    "tyre pressure",
    "chain wear",
    "motor noise",
    "display error",
    "charger light",
    "app connection",
    "assist mode",
    "torque sensor",
    "speed sensor",
    "front light",
    "kick stand",
    "bottom bracket",
    "disc brakes",
    "gear shifting",
    "spoke tension",
    "cable routing",
    "battery lock",
    "frame size",
    "winter riding",
    "rain cover",
    "child seat",
    "phone mount",
    "service interval",
    "warranty claim",
    "dealer visit",
    "test ride",
];
/// Recent bursts: (phrase, days back it started, share of the posts since then that mention it).
const BURSTS: &[(&str, i64, f64)] = &[
    ("firmware 2.1 update", 2, 0.12),
    ("charger recall notice", 1, 0.06),
    ("winter tyres", 4, 0.05),
];

struct Gen {
    rng: StdRng,
    /// Words by rank, most common first; `cumulative` holds their Zipf weights summed up to each rank.
    vocabulary: Vec<String>,
    cumulative: Vec<f64>,
    phrase_cumulative: Vec<f64>,
    now: DateTime<Utc>,
}

/// Cumulative Zipf weights 1/rank^exponent.
fn zipf(n: usize, exponent: f64) -> Vec<f64> {
    let mut sum = 0.0;
    (1..=n)
        .map(|r| {
            sum += 1.0 / (r as f64).powf(exponent);
            sum
        })
        .collect()
}

impl Gen {
    /// A generator with a vocabulary of several thousand words: English function words and the community's own
    /// words at the top, a long tail of generated rare words, drawn by a Zipf law (exponent 1.07, as measured on
    /// real corpora), so that a query word appears in a realistic share of posts.
    fn new(seed: u64, now: DateTime<Utc>) -> Gen {
        let function = [
            "the", "i", "a", "my", "it", "and", "is", "to", "with", "on", "of", "in", "for", "this", "that",
            "was", "but", "have", "after", "you", "when", "so", "at", "had", "not", "are", "just", "we",
            "can", "be", "it's", "also", "still", "about", "they", "there", "one", "do", "did", "really",
            "some",
        ];
        let mut vocabulary: Vec<String> = Vec::new();
        // Function words take most of the top ranks, the community's words interleave from rank 5 on.
        let mut content = WORDS.iter().filter(|w| !function.contains(w));
        for (i, f) in function.iter().enumerate() {
            vocabulary.push((*f).to_owned());
            if i >= 4
                && let Some(w) = content.next()
            {
                vocabulary.push((*w).to_owned());
            }
        }
        vocabulary.extend(content.map(|w| (*w).to_owned()));
        for a in SYLLABLES {
            for b in SYLLABLES {
                vocabulary.push(format!("{a}{b}"));
                for c in ["n", "s", "ra", "do"] {
                    vocabulary.push(format!("{a}{b}{c}"));
                }
            }
        }
        let cumulative = zipf(vocabulary.len(), 1.07);
        Gen {
            rng: StdRng::seed_from_u64(seed),
            cumulative,
            vocabulary,
            phrase_cumulative: zipf(PHRASES.len(), 1.0),
            now,
        }
    }

    /// A VADER-like compound score: about a fifth of posts negative, two fifths positive, the mood a little
    /// worse in the last weeks (the recent bursts are complaints) and slowly better over the years.
    fn sentiment(&mut self, at: DateTime<Utc>) -> f32 {
        let age_days = (self.now - at).num_days() as f64;
        let recent = if age_days < 21.0 { 0.1 } else { 0.0 };
        let negative = 0.26 - 0.08 * (1.0 - age_days / 1100.0).clamp(0.0, 1.0) + recent;
        let x = self.rng.random::<f64>();
        let base: f64 = if x < negative {
            -0.3 - 0.6 * self.rng.random::<f64>()
        } else if x < negative + 0.38 {
            0.04 * (self.rng.random::<f64>() - 0.5)
        } else {
            0.2 + 0.7 * self.rng.random::<f64>()
        };
        base as f32
    }

    fn ranked<'a>(&mut self, cumulative: &[f64], items: &'a [String]) -> &'a str {
        let total = cumulative.last().copied().unwrap_or(1.0);
        let x = self.rng.random::<f64>() * total;
        let i = cumulative.partition_point(|c| *c < x).min(items.len() - 1);
        &items[i]
    }

    fn word(&mut self) -> String {
        let cumulative = std::mem::take(&mut self.cumulative);
        let vocabulary = std::mem::take(&mut self.vocabulary);
        let w = self.ranked(&cumulative, &vocabulary).to_owned();
        self.cumulative = cumulative;
        self.vocabulary = vocabulary;
        w
    }

    fn phrase(&mut self) -> &'static str {
        let total = self.phrase_cumulative.last().copied().unwrap_or(1.0);
        let x = self.rng.random::<f64>() * total;
        PHRASES[self
            .phrase_cumulative
            .partition_point(|c| *c < x)
            .min(PHRASES.len() - 1)]
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.rng.random_range(0..list.len())]
    }

    fn sentence(&mut self) -> String {
        let n = self.rng.random_range(6..18);
        let mut s = String::with_capacity(n * 7);
        for i in 0..n {
            let w = match self.rng.random_range(0..40) {
                0 | 1 => self.phrase().to_owned(),
                2 => self.pick(PRODUCTS).to_owned(),
                _ => self.word(),
            };
            let w = w.as_str();
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    s.extend(f.to_uppercase());
                    s.push_str(c.as_str());
                }
            } else {
                s.push(' ');
                s.push_str(w);
            }
        }
        s.push(if self.rng.random_range(0..6) == 0 {
            '?'
        } else {
            '.'
        });
        s
    }

    /// Paragraphs of sentences (Markdown source), and the same as HTML, for a post written at `at`: posts of the
    /// last days carry the recent bursts (a share of them names each burst's phrase).
    fn body(&mut self, at: DateTime<Utc>) -> (String, String) {
        let paragraphs = self.rng.random_range(1..4);
        let mut md = String::new();
        let mut html = String::new();
        let mut burst: Option<&str> = None;
        for (phrase, days, share) in BURSTS {
            if self.now - at < Duration::days(*days) && self.rng.random::<f64>() < *share {
                burst = Some(phrase);
            }
        }
        for p in 0..paragraphs {
            let sentences = self.rng.random_range(1..4);
            let mut text: Vec<String> = (0..sentences).map(|_| self.sentence()).collect();
            if p == 0
                && let Some(phrase) = burst
            {
                text.insert(
                    0,
                    format!("Since the {phrase} my {} is acting up.", self.pick(PARTS)),
                );
            }
            let text = text.join(" ");
            if p > 0 {
                md.push_str("\n\n");
                html.push('\n');
            }
            md.push_str(&text);
            html.push_str("<p>");
            html.push_str(&text); // generated words only: nothing to escape
            html.push_str("</p>");
        }
        (md, html)
    }

    fn title(&mut self) -> String {
        let product = self.pick(PRODUCTS);
        let part = self.pick(PARTS);
        match self.rng.random_range(0..6) {
            0 => format!("Anybody experience with the {product} {part}?"),
            1 => format!(
                "{product}: {part} {} after {} km",
                self.pick(&["noise", "problem", "question", "tips"]),
                self.rng.random_range(50..9000)
            ),
            2 => format!(
                "Best {part} setup for {} rides",
                self.pick(&["winter", "long", "gravel", "city", "family"])
            ),
            3 => format!(
                "How do you {} the {part} on the {product}?",
                self.pick(&["adjust", "clean", "replace", "update", "check"])
            ),
            4 => format!(
                "{} with my {product} {part}",
                self.pick(&["Happy", "Trouble", "First month", "A year"])
            ),
            _ => format!("Question about the {part} ({product})"),
        }
    }

    /// An author index skewed towards the most active members.
    fn author(&mut self, members: i64) -> i64 {
        let u: f64 = self.rng.random();
        ((u * u * u) * members as f64) as i64
    }
}

/// Text-format COPY escaping.
fn esc(out: &mut Vec<u8>, value: &str) {
    for b in value.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string()
}

/// A progress bar on standard error (`label [#####....]  40%  400/1000  3.2s`).
pub struct Progress {
    label: &'static str,
    total: i64,
    started: Instant,
    shown: i64,
}

impl Progress {
    pub fn new(label: &'static str, total: i64) -> Progress {
        Progress {
            label,
            total: total.max(1),
            started: Instant::now(),
            shown: -1,
        }
    }

    pub fn tick(&mut self, done: i64) {
        let percent = done * 100 / self.total;
        if percent == self.shown && done != self.total {
            return;
        }
        self.shown = percent;
        let filled = (percent / 4) as usize;
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r  {:<8} [{}{}] {:>3}% {:>9}/{} {:>6.1}s",
            self.label,
            "#".repeat(filled),
            ".".repeat(25 - filled),
            percent,
            done,
            self.total,
            self.started.elapsed().as_secs_f64()
        );
        if done >= self.total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

async fn copy(client: &Client, statement: &str, chunks: impl Iterator<Item = Vec<u8>>) -> Result<(), String> {
    let sink = client
        .copy_in::<_, Bytes>(statement)
        .await
        .map_err(|e| format!("{statement}: {e}"))?;
    futures_util::pin_mut!(sink);
    for chunk in chunks {
        sink.send(Bytes::from(chunk))
            .await
            .map_err(|e| format!("copy: {e}"))?;
    }
    sink.finish().await.map_err(|e| format!("copy: {e}"))?;
    Ok(())
}

async fn scalar(client: &Client, sql: &str) -> Result<i64, String> {
    client
        .query_one(sql, &[])
        .await
        .map(|r| r.get::<_, i64>(0))
        .map_err(|e| format!("{sql}: {e}"))
}

/// Runs the seed; returns a one-line summary.
pub async fn seed_scale(
    database_url: &str,
    password_hash: &str,
    options: ScaleOptions,
) -> Result<String, String> {
    let (client, connection) = tokio_postgres::connect(database_url, NoTls)
        .await
        .map_err(|e| format!("cannot reach PostgreSQL: {e}"))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::error!(error = %e, "seed connection");
        }
    });
    if scalar(&client, "SELECT count(*) FROM topics").await? > 0 {
        return if options.if_empty {
            Ok("the forum already has topics; nothing seeded".into())
        } else {
            Err("the forum already has topics; seed-scale fills an empty one (point DATABASE_URL at a fresh database)".into())
        };
    }
    if options.longest < 20_000 || options.posts < options.topics + options.longest || options.members < 10 {
        return Err(
            "need --members ≥ 10, a longest topic of ≥ 20,000 posts and --posts ≥ --topics + that".into(),
        );
    }
    let started = Instant::now();
    let mut g = Gen::new(2026, Utc::now());
    client
        .batch_execute("SET maintenance_work_mem = '256MB'; SET synchronous_commit = off")
        .await
        .map_err(|e| e.to_string())?;

    // Members.
    let user_base = scalar(&client, "SELECT coalesce(max(id), 0) FROM users").await?;
    let policy = scalar(&client, "SELECT max(version)::bigint FROM policy_versions").await?;
    let now = Utc::now();
    let start = now - Duration::days(3 * 365);
    let mut progress = Progress::new("members", options.members);
    let hash = password_hash.to_owned();
    let members = options.members;
    let mut rows = Vec::new();
    for chunk_start in (0..members).step_by(10_000) {
        let mut buf = Vec::with_capacity(2 << 20);
        for i in chunk_start..(chunk_start + 10_000).min(members) {
            let id = user_base + 1 + i;
            let joined = start + Duration::seconds(i * (3 * 365 * 86400) / members / 2);
            let name = format!("{} {}", g.pick(NAMES), (b'A' + (i % 26) as u8) as char);
            let line = format!(
                "{id}\trider{i:06}\trider{i:06}@scale.example\t{hash}\t{name}\t{{}}\t{t}\t{policy}\t{t}\t{t}\t{t}\n",
                t = ts(joined)
            );
            buf.extend_from_slice(line.as_bytes());
        }
        rows.push(buf);
        progress.tick((chunk_start + 10_000).min(members));
    }
    copy(
        &client,
        "COPY users (id, username, email, password_hash, display_name, roles, email_verified_at, accepted_policy_version, \
         accepted_policy_at, created_at, updated_at) FROM STDIN",
        rows.into_iter(),
    )
    .await?;

    // Categories (one club-only, one team-only).
    let cat_base = scalar(&client, "SELECT coalesce(max(id), 0) FROM categories").await?;
    let categories: &[(&str, &str, &str, &str, u32)] = &[
        ("announcements", "Announcements", "public", "staff", 1),
        ("tech-help", "Tech help", "public", "everyone", 30),
        ("rides-and-routes", "Rides & routes", "public", "everyone", 20),
        ("buying-advice", "Buying advice", "public", "everyone", 15),
        ("maintenance", "Maintenance", "public", "everyone", 20),
        (
            "apps-and-connectivity",
            "Apps & connectivity",
            "public",
            "everyone",
            8,
        ),
        ("fan-lounge", "Fan lounge", "club", "everyone", 4),
        ("team-room", "Team room", "staff", "everyone", 2),
        // Questions only (weight 0: no discussions land here).
        ("questions", "Anybody experience with …?", "public", "everyone", 0),
    ];
    for (i, (slug, name, visibility, posting, _)) in categories.iter().enumerate() {
        client
            .execute(
                "INSERT INTO categories (id, slug, name, description, position, visibility, posting) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&(cat_base + 1 + i as i64), slug, name, &format!("All about {}.", name.to_lowercase()), &(i as i32), visibility, posting],
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    let weight_total: u32 = categories.iter().map(|c| c.4).sum();

    // Drop secondary indexes of topics and posts during the load.
    let indexes: Vec<(String, String)> = client
        .query(
            "SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename IN ('topics', 'posts')
             AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            &[],
        )
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (name, _) in &indexes {
        client
            .batch_execute(&format!("DROP INDEX \"{name}\""))
            .await
            .map_err(|e| e.to_string())?;
    }

    // Reply counts: one very long topic, a heavy tail for the others, summing exactly to the total.
    let topics = options.topics;
    let replies_total = options.posts - topics;
    let others = replies_total - (options.longest - 1);
    let weights: Vec<f64> = (1..topics)
        .map(|_| {
            let u: f64 = g.rng.random_range(0.0001..1.0);
            u.powf(-1.0 / 1.6) - 1.0 // Pareto: most topics short, some long
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut replies: Vec<i64> = weights
        .iter()
        .map(|w| ((w / sum) * others as f64).floor() as i64)
        .collect();
    let mut missing = others - replies.iter().sum::<i64>();
    let mut k = 0;
    let n = replies.len();
    while missing > 0 {
        replies[k % n] += 1;
        missing -= 1;
        k += 7919;
    }
    let longest_index = topics / 2;
    replies.insert(longest_index as usize, options.longest - 1);

    let topic_base = scalar(&client, "SELECT coalesce(max(id), 0) FROM topics").await?;
    let post_base = scalar(&client, "SELECT coalesce(max(id), 0) FROM posts").await?;
    let span = (now - start).num_seconds();

    // Pass 1: every topic's shape (category, author, dates, last poster) — posts refer to topics, so topics go
    // in first.
    struct Shape {
        author: i64,
        last_poster: i64,
        created: DateTime<Utc>,
        step: i64,
        replies: i64,
    }
    let mut shapes = Vec::with_capacity(topics as usize);
    let mut topic_chunks = Vec::new();
    let mut topic_buf = Vec::with_capacity(4 << 20);
    let mut progress = Progress::new("topics", topics);
    for t in 0..topics {
        let mut pick = g.rng.random_range(0..weight_total);
        let mut category = 0;
        for (i, c) in categories.iter().enumerate() {
            if pick < c.4 {
                category = i;
                break;
            }
            pick -= c.4;
        }
        if t == longest_index {
            category = 1; // the longest discussion is a public one (tech help)
        }
        let n_replies = replies[t as usize];
        let created = start + Duration::seconds(t * span / topics + g.rng.random_range(0..3600));
        // Replies over the following weeks (the long topic over the years since).
        let window = if n_replies > 1000 {
            (now - created).num_seconds().max(1)
        } else {
            g.rng.random_range(3600..(45 * 86400))
        };
        let step = (window / (n_replies + 1)).max(1);
        let author = user_base + 1 + g.author(options.members);
        let last_poster = if n_replies == 0 {
            author
        } else {
            user_base + 1 + g.author(options.members)
        };
        let last_at = (created + Duration::seconds(step * n_replies)).min(now);
        let topic_id = topic_base + 1 + t;
        let mut line = format!("{topic_id}\t{}\t{author}\t", cat_base + 1 + category as i64).into_bytes();
        esc(&mut line, &g.title());
        line.extend_from_slice(
            format!(
                "\t{}\t{}\t{n_replies}\t{}\t{}\t{last_poster}\t{}\t{}\n",
                n_replies + 2,
                n_replies + 1,
                g.rng.random_range(0..(50 * (n_replies + 1)).min(5_000_000)),
                ts(last_at),
                ts(created),
                ts(last_at)
            )
            .as_bytes(),
        );
        topic_buf.extend_from_slice(&line);
        if topic_buf.len() > (2 << 20) {
            topic_chunks.push(std::mem::take(&mut topic_buf));
        }
        shapes.push(Shape {
            author,
            last_poster,
            created,
            step,
            replies: n_replies,
        });
        progress.tick(t + 1);
    }
    topic_chunks.push(topic_buf);
    copy(
        &client,
        "COPY topics (id, category_id, author_id, title, next_post_number, last_post_number, reply_count, \
         view_count, last_posted_at, last_poster_id, created_at, updated_at) FROM STDIN",
        topic_chunks.into_iter(),
    )
    .await?;

    // Pass 2: the posts, streamed.
    let sink = client
        .copy_in::<_, Bytes>(
            "COPY posts (id, topic_id, post_number, author_id, body_md, body_html, created_at, updated_at, sentiment) FROM STDIN",
        )
        .await
        .map_err(|e| e.to_string())?;
    futures_util::pin_mut!(sink);
    let mut post_buf = Vec::with_capacity(2 << 20);
    let mut post_id = post_base;
    let mut posts_done = 0i64;
    let mut progress = Progress::new("posts", options.posts);
    for (t, shape) in shapes.iter().enumerate() {
        let topic_id = topic_base + 1 + t as i64;
        for number in 1..=(shape.replies + 1) {
            post_id += 1;
            let poster = match number {
                1 => shape.author,
                n if n == shape.replies + 1 => shape.last_poster,
                _ => user_base + 1 + g.author(options.members),
            };
            let at = (shape.created + Duration::seconds(shape.step * (number - 1))).min(now);
            let (md, html) = g.body(at);
            post_buf.extend_from_slice(format!("{post_id}\t{topic_id}\t{number}\t{poster}\t").as_bytes());
            esc(&mut post_buf, &md);
            post_buf.push(b'\t');
            esc(&mut post_buf, &html);
            let mood = g.sentiment(at);
            post_buf.extend_from_slice(format!("\t{t}\t{t}\t{mood:.3}\n", t = ts(at)).as_bytes());
            posts_done += 1;
            if post_buf.len() > (1 << 20) {
                sink.send(Bytes::from(std::mem::take(&mut post_buf)))
                    .await
                    .map_err(|e| format!("copy posts: {e}"))?;
                progress.tick(posts_done);
            }
        }
    }
    if !post_buf.is_empty() {
        sink.send(Bytes::from(post_buf))
            .await
            .map_err(|e| format!("copy posts: {e}"))?;
    }
    sink.finish().await.map_err(|e| format!("copy posts: {e}"))?;
    progress.tick(posts_done);

    // Pass 3: questions with their products, answers, states and owners.
    let questions_category = cat_base + categories.len() as i64;
    let question_posts = seed_questions(
        &client,
        &mut g,
        QuestionPlan {
            count: options.questions,
            category: questions_category,
            topic_base: topic_base + topics,
            post_base: post_id,
            user_base,
            members: options.members,
            start,
            now,
        },
    )
    .await?;
    posts_done += question_posts;

    // Indexes back, counters, sequences, statistics.
    let mut progress = Progress::new("indexes", indexes.len() as i64);
    for (i, (_, definition)) in indexes.iter().enumerate() {
        client
            .batch_execute(definition)
            .await
            .map_err(|e| format!("{definition}: {e}"))?;
        progress.tick(i as i64 + 1);
    }
    client
        .batch_execute(
            "UPDATE categories c SET topic_count = s.topics, post_count = s.posts, last_posted_at = s.last
               FROM (SELECT category_id, count(*) AS topics, sum(reply_count + 1) AS posts, max(last_posted_at) AS last
                     FROM topics GROUP BY category_id) s WHERE s.category_id = c.id;
             SELECT setval('users_id_seq', (SELECT max(id) FROM users));
             SELECT setval('categories_id_seq', (SELECT max(id) FROM categories));
             SELECT setval('topics_id_seq', (SELECT max(id) FROM topics));
             SELECT setval('posts_id_seq', (SELECT max(id) FROM posts));
             ANALYZE users; ANALYZE categories; ANALYZE topics; ANALYZE posts; ANALYZE questions;
             ANALYZE question_products; ANALYZE products; ANALYZE product_owners;",
        )
        .await
        .map_err(|e| e.to_string())?;
    let longest = topic_base + 1 + longest_index;
    Ok(format!(
        "seeded {} members, {} topics and {} questions, {} posts in {:.0} s; the longest topic is /t/{longest} ({} posts); members' password: {SCALE_PASSWORD}",
        options.members,
        topics,
        options.questions,
        posts_done,
        started.elapsed().as_secs_f64(),
        options.longest
    ))
}

struct QuestionPlan {
    count: i64,
    category: i64,
    topic_base: i64,
    post_base: i64,
    user_base: i64,
    members: i64,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
}

/// Products of the generated catalogue (slug, name).
const SCALE_PRODUCTS: &[(&str, &str)] = &[
    ("lumen-x1", "Lumen X1"),
    ("lumen-x2", "Lumen X2"),
    ("lumen-city", "Lumen City"),
    ("lumen-cargo", "Lumen Cargo"),
    ("lumen-trail", "Lumen Trail"),
    ("fast-charger", "Fast charger 4A"),
    ("battery-500", "Battery 500 Wh"),
    ("battery-750", "Battery 750 Wh"),
    ("lumen-app", "Lumen app"),
    ("rack-bag", "Rack bag"),
];

/// Questions as topics of kind `question` (their posts: the question, then 0–3 answers), their rows in
/// `questions` (state, times, a third of the answered ones accepted) and products, and a few thousand owners
/// who opted in. Returns how many posts were written.
async fn seed_questions(client: &Client, g: &mut Gen, plan: QuestionPlan) -> Result<i64, String> {
    if plan.count <= 0 {
        return Ok(0);
    }
    let product_base = scalar(client, "SELECT coalesce(max(id), 0) FROM products").await?;
    for (i, (slug, name)) in SCALE_PRODUCTS.iter().enumerate() {
        client
            .execute(
                "INSERT INTO products (id, slug, name) VALUES ($1, $2, $3)",
                &[&(product_base + 1 + i as i64), slug, name],
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    let span = (plan.now - plan.start).num_seconds();
    let mut topics = Vec::new();
    let mut posts = Vec::new();
    let mut rows = Vec::new();
    let mut tags = Vec::new();
    let (mut tbuf, mut pbuf, mut qbuf, mut tagbuf) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut post_id = plan.post_base;
    let mut progress = Progress::new("questions", plan.count);
    for q in 0..plan.count {
        let id = plan.topic_base + 1 + q;
        let asked = plan.start + Duration::seconds(q * span / plan.count);
        let answers = g.rng.random_range(0..4i64);
        let author = plan.user_base + 1 + g.author(plan.members);
        let step = g.rng.random_range(600..(3 * 86400));
        let last = (asked + Duration::seconds(step * answers)).min(plan.now);
        let mut line = format!("{id}\t{}\t{author}\t", plan.category).into_bytes();
        esc(&mut line, &g.title());
        line.extend_from_slice(
            format!(
                "\t{}\t{}\t{answers}\t{}\t{}\t{author}\t{}\t{}\tquestion\n",
                answers + 2,
                answers + 1,
                g.rng.random_range(0..2000),
                ts(last),
                ts(asked),
                ts(last)
            )
            .as_bytes(),
        );
        tbuf.extend_from_slice(&line);
        let mut first_answer = None;
        for number in 1..=(answers + 1) {
            post_id += 1;
            if number == 2 {
                first_answer = Some(post_id);
            }
            let poster = if number == 1 {
                author
            } else {
                plan.user_base + 1 + g.author(plan.members)
            };
            let at = (asked + Duration::seconds(step * (number - 1))).min(plan.now);
            let (md, html) = g.body(at);
            pbuf.extend_from_slice(format!("{post_id}\t{id}\t{number}\t{poster}\t").as_bytes());
            esc(&mut pbuf, &md);
            pbuf.push(b'\t');
            esc(&mut pbuf, &html);
            let score = if number > 1 { g.rng.random_range(0..12) } else { 0 };
            let mood = g.sentiment(at);
            pbuf.extend_from_slice(format!("\t{t}\t{t}\t{score}\t{mood:.3}\n", t = ts(at)).as_bytes());
        }
        let accepted = first_answer.filter(|_| g.rng.random_range(0..3) == 0);
        let state = match (answers, accepted) {
            (0, _) => "open",
            (_, Some(_)) => "accepted",
            _ => "answered",
        };
        let first_at = first_answer.map(|_| ts((asked + Duration::seconds(step)).min(plan.now)));
        qbuf.extend_from_slice(
            format!(
                "{id}\t{state}\t{}\t{answers}\t{}\t{}\t{}\t{}\t{}\n",
                accepted.map(|a| a.to_string()).unwrap_or_else(|| "\\N".into()),
                ts(asked),
                first_at.clone().unwrap_or_else(|| "\\N".into()),
                accepted.and(first_at).unwrap_or_else(|| "\\N".into()),
                ts(asked),
                ts(last)
            )
            .as_bytes(),
        );
        let first_product = g.rng.random_range(0..SCALE_PRODUCTS.len() as i64);
        tagbuf.extend_from_slice(format!("{id}\t{}\n", product_base + 1 + first_product).as_bytes());
        if g.rng.random_range(0..3) == 0 {
            let second = (first_product + 1 + g.rng.random_range(0..(SCALE_PRODUCTS.len() as i64 - 1)))
                % SCALE_PRODUCTS.len() as i64;
            tagbuf.extend_from_slice(format!("{id}\t{}\n", product_base + 1 + second).as_bytes());
        }
        if pbuf.len() > (2 << 20) {
            topics.push(std::mem::take(&mut tbuf));
            posts.push(std::mem::take(&mut pbuf));
            rows.push(std::mem::take(&mut qbuf));
            tags.push(std::mem::take(&mut tagbuf));
            progress.tick(q + 1);
        }
    }
    topics.push(tbuf);
    posts.push(pbuf);
    rows.push(qbuf);
    tags.push(tagbuf);
    copy(
        client,
        "COPY topics (id, category_id, author_id, title, next_post_number, last_post_number, reply_count, \
         view_count, last_posted_at, last_poster_id, created_at, updated_at, kind) FROM STDIN",
        topics.into_iter(),
    )
    .await?;
    copy(
        client,
        "COPY posts (id, topic_id, post_number, author_id, body_md, body_html, created_at, updated_at, score, sentiment) FROM STDIN",
        posts.into_iter(),
    )
    .await?;
    copy(
        client,
        "COPY questions (topic_id, state, accepted_post_id, answer_count, asked_at, first_answer_at, accepted_at, \
         created_at, updated_at) FROM STDIN",
        rows.into_iter(),
    )
    .await?;
    copy(
        client,
        "COPY question_products (topic_id, product_id) FROM STDIN",
        tags.into_iter(),
    )
    .await?;
    progress.tick(plan.count);
    // Owners: one member in twenty owns one or two products; half of them may be asked.
    client
        .batch_execute(&format!(
            "INSERT INTO product_owners (user_id, product_id, ask_me)
             SELECT u.id, {base} + 1 + (u.id % {n}), (u.id % 2 = 0) FROM users u WHERE u.id % 20 = 0 AND u.id > {users}
             ON CONFLICT DO NOTHING;
             INSERT INTO product_owners (user_id, product_id, ask_me)
             SELECT u.id, {base} + 1 + ((u.id / 7) % {n}), false FROM users u WHERE u.id % 40 = 0 AND u.id > {users}
             ON CONFLICT DO NOTHING;",
            base = product_base,
            n = SCALE_PRODUCTS.len(),
            users = plan.user_base,
        ))
        .await
        .map_err(|e| e.to_string())?;
    Ok(post_id - plan.post_base)
}

/// Ideas for the board's benchmark: `count` ideas (topics of kind `idea` in the `ideas` category, about a
/// product two times in three, most of them new, a few planned, shipped or declined) and about `votes` votes
/// with a heavy tail (the idea of rank r gets ∝ r^-0.8 votes, each from a distinct member, cast between the
/// idea's creation and now), then counts and trending scores computed as the app computes them. Does nothing
/// when ideas exist; works on a database seeded before ideas existed.
pub async fn seed_ideas(database_url: &str, count: i64, votes: i64) -> Result<String, String> {
    if count <= 0 {
        return Ok(String::new());
    }
    let (client, connection) = tokio_postgres::connect(database_url, NoTls)
        .await
        .map_err(|e| format!("cannot reach PostgreSQL: {e}"))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::error!(error = %e, "seed connection");
        }
    });
    if scalar(&client, "SELECT count(*) FROM ideas").await? > 0 {
        return Ok("ideas already seeded".into());
    }
    let started = Instant::now();
    let mut g = Gen::new(2027, Utc::now());
    client
        .batch_execute(
            "SET maintenance_work_mem = '256MB'; SET synchronous_commit = off;
             INSERT INTO categories (slug, name, description, position)
             VALUES ('ideas', 'Ideas', 'What should we build next?', 90) ON CONFLICT (slug) DO NOTHING;",
        )
        .await
        .map_err(|e| e.to_string())?;
    let category = scalar(&client, "SELECT id FROM categories WHERE slug = 'ideas'").await?;
    let user_base = scalar(
        &client,
        "SELECT coalesce(min(id), 1) - 1 FROM users WHERE username LIKE 'rider%'",
    )
    .await?;
    let members = scalar(&client, "SELECT count(*) FROM users WHERE username LIKE 'rider%'").await?;
    if members < 10 {
        return Err("seed the members first (hearth seed-scale)".into());
    }
    let products: Vec<i64> = client
        .query("SELECT id FROM products ORDER BY id", &[])
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .collect();
    let topic_base = scalar(&client, "SELECT coalesce(max(id), 0) FROM topics").await?;
    let post_base = scalar(&client, "SELECT coalesce(max(id), 0) FROM posts").await?;
    let now = Utc::now();
    let start = now - Duration::days(2 * 365);
    let span = (now - start).num_seconds();
    let (mut tbuf, mut pbuf, mut ibuf) = (Vec::new(), Vec::new(), Vec::new());
    let mut progress = Progress::new("ideas", count);
    for i in 0..count {
        let id = topic_base + 1 + i;
        let created = start + Duration::seconds(i * span / count);
        let author = user_base + 1 + g.author(members);
        let mut line = format!("{id}\t{category}\t{author}\t").into_bytes();
        esc(&mut line, &g.title());
        line.extend_from_slice(
            format!(
                "\t2\t1\t0\t{}\t{t}\t{author}\t{t}\t{t}\tidea\n",
                g.rng.random_range(0..500),
                t = ts(created)
            )
            .as_bytes(),
        );
        tbuf.extend_from_slice(&line);
        let (md, html) = g.body(created);
        pbuf.extend_from_slice(format!("{}\t{id}\t1\t{author}\t", post_base + 1 + i).as_bytes());
        esc(&mut pbuf, &md);
        pbuf.push(b'\t');
        esc(&mut pbuf, &html);
        pbuf.extend_from_slice(format!("\t{t}\t{t}\n", t = ts(created)).as_bytes());
        let status = match g.rng.random_range(0..100) {
            0..70 => "new",
            70..80 => "under_review",
            80..88 => "planned",
            88..92 => "in_progress",
            92..97 => "shipped",
            _ => "declined",
        };
        let changed =
            created + Duration::seconds(g.rng.random_range(0..(now - created).num_seconds().max(1)));
        let product = if products.is_empty() || g.rng.random_range(0..3) == 0 {
            "\\N".to_owned()
        } else {
            products[g.rng.random_range(0..products.len())].to_string()
        };
        ibuf.extend_from_slice(
            format!(
                "{id}\t{product}\t{status}\t{}\t{}\t{t}\t{t}\n",
                ts(changed),
                if status == "shipped" {
                    ts(changed)
                } else {
                    "\\N".into()
                },
                t = ts(created)
            )
            .as_bytes(),
        );
    }
    progress.tick(count);
    copy(
        &client,
        "COPY topics (id, category_id, author_id, title, next_post_number, last_post_number, reply_count, \
         view_count, last_posted_at, last_poster_id, created_at, updated_at, kind) FROM STDIN",
        std::iter::once(tbuf),
    )
    .await?;
    copy(
        &client,
        "COPY posts (id, topic_id, post_number, author_id, body_md, body_html, created_at, updated_at) FROM STDIN",
        std::iter::once(pbuf),
    )
    .await?;
    copy(
        &client,
        "COPY ideas (topic_id, product_id, status, status_changed_at, shipped_at, created_at, updated_at) FROM STDIN",
        std::iter::once(ibuf),
    )
    .await?;
    // Votes: the idea of popularity rank r (a shuffled rank, so old and new ideas alike are popular) gets
    // ⌊c · r^-0.8⌋ votes, from members k·7919 + offset (mod members): distinct within an idea.
    let harmonic: f64 = (1..=count).map(|r| (r as f64).powf(-0.8)).sum();
    let c = votes as f64 / harmonic;
    let mut progress = Progress::new("idea votes", votes);
    client
        .batch_execute(&format!(
            "ALTER TABLE idea_votes DROP CONSTRAINT idea_votes_pkey;
             DROP INDEX idea_votes_user_idx; DROP INDEX idea_votes_recent_idx;
             INSERT INTO idea_votes (idea_id, user_id, created_at)
             SELECT r.topic_id, {user_base} + 1 + ((k * 7919 + r.topic_id * 104729) % {members}),
                    r.created_at + (now() - r.created_at) * random()
             FROM (SELECT topic_id, created_at, row_number() OVER (ORDER BY md5(topic_id::text)) AS rank FROM ideas) r,
                  generate_series(1, LEAST({members}, floor({c} * power(r.rank, -0.8))::bigint)) k;
             ALTER TABLE idea_votes ADD CONSTRAINT idea_votes_pkey PRIMARY KEY (idea_id, user_id);
             CREATE INDEX idea_votes_user_idx ON idea_votes (user_id, idea_id);
             CREATE INDEX idea_votes_recent_idx ON idea_votes (created_at, idea_id);
             UPDATE ideas i SET vote_count = v.n FROM (SELECT idea_id, count(*) AS n FROM idea_votes GROUP BY idea_id) v
               WHERE v.idea_id = i.topic_id;
             UPDATE ideas i SET trending = s.score
               FROM (SELECT idea_id, sum({weight}) AS score FROM idea_votes
                     WHERE created_at > now() - interval '30 days' GROUP BY idea_id) s
               WHERE s.idea_id = i.topic_id;
             UPDATE categories c SET topic_count = topic_count + {count}, post_count = post_count + {count} WHERE c.id = {category};
             SELECT setval('topics_id_seq', (SELECT max(id) FROM topics));
             SELECT setval('posts_id_seq', (SELECT max(id) FROM posts));
             ANALYZE ideas; ANALYZE idea_votes; ANALYZE topics; ANALYZE posts;",
            weight = domain::ideas::TRENDING_WEIGHT,
        ))
        .await
        .map_err(|e| format!("idea votes: {e}"))?;
    // The counts and scores above rewrote every idea: vacuum, so the board's index-only scans stay cheap.
    client
        .batch_execute("VACUUM ANALYZE ideas")
        .await
        .map_err(|e| format!("vacuum ideas: {e}"))?;
    let cast = scalar(&client, "SELECT count(*) FROM idea_votes").await?;
    progress.tick(cast);
    Ok(format!(
        "seeded {count} ideas and {cast} idea votes in {:.0} s",
        started.elapsed().as_secs_f64()
    ))
}

/// The history Insights charts: ideas moving through their statuses (and the shipped survey), club joins and
/// leaves, events with their seats, page views, held and flagged posts with their decisions and appeals, and
/// detractor posts with the staff's responses. Set-based SQL over what was seeded; skipped when already there.
pub async fn seed_history(database_url: &str) -> Result<String, String> {
    let started = std::time::Instant::now();
    let (client, connection) = tokio_postgres::connect(database_url, NoTls)
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    if scalar(&client, "SELECT count(*) FROM page_views_daily").await? > 0 {
        return Ok(String::new());
    }
    client
        .batch_execute(
            "SET TimeZone = 'UTC';
             INSERT INTO idea_status_changes (idea_id, from_status, to_status, note_md, note_html, created_at)
             SELECT i.topic_id, p.path[k], p.path[k + 1], '', '',
                    i.created_at + (greatest(i.status_changed_at, i.created_at + interval '1 day') - i.created_at)
                                   * k / (array_length(p.path, 1) - 1)
             FROM ideas i
             CROSS JOIN LATERAL (SELECT CASE WHEN i.status = 'declined' THEN ARRAY['new', 'under_review', 'declined']
                 ELSE (ARRAY['new', 'under_review', 'planned', 'in_progress', 'shipped'])
                      [1:array_position(ARRAY['new', 'under_review', 'planned', 'in_progress', 'shipped'], i.status)]
                 END AS path) p
             CROSS JOIN LATERAL generate_series(1, array_length(p.path, 1) - 1) k
             WHERE i.status NOT IN ('new', 'merged');
             UPDATE idea_status_changes SET created_at = least(created_at, now());
             INSERT INTO idea_surveys (idea_id, user_id, answer, asked_at, answered_at)
             SELECT v.idea_id, v.user_id, (ARRAY['yes', 'yes', 'yes', 'partly', 'partly', 'no'])[1 + (v.user_id % 6)::int],
                    coalesce(i.shipped_at, i.status_changed_at),
                    least(now(), coalesce(i.shipped_at, i.status_changed_at) + (v.user_id % 97) * interval '1 hour')
             FROM ideas i CROSS JOIN LATERAL (SELECT idea_id, user_id FROM idea_votes WHERE idea_id = i.topic_id LIMIT 12) v
             WHERE i.status = 'shipped'
             ON CONFLICT DO NOTHING;
             INSERT INTO club_members (user_id, joined_at, created_at)
             SELECT id, created_at + (now() - created_at) * ((id * 7919) % 1000) / 1600.0, now() FROM users
             WHERE id % 9 = 0 ON CONFLICT DO NOTHING;
             WITH ex AS (SELECT id, created_at + (now() - created_at) * ((id * 104729) % 1000) / 1400.0 AS j
                         FROM users WHERE id % 23 = 5)
             INSERT INTO club_membership_events (user_id, kind, at)
             SELECT id, 'join', j FROM ex
             UNION ALL SELECT id, 'leave', j + (now() - j) * ((id * 31) % 1000) / 1000.0 FROM ex;
             INSERT INTO events (title, description_md, description_html, place, starts_at, ends_at, capacity,
                                 going_count, waitlist_count, created_at, updated_at)
             SELECT 'Club ride number ' || g, '', '', 'Lumen HQ', now() - g * interval '6 days' + interval '10 hours',
                    now() - g * interval '6 days' + interval '13 hours', 20 + (g % 4) * 10,
                    least(20 + (g % 4) * 10, 8 + (g * 7) % 40), greatest(0, 8 + (g * 7) % 40 - (20 + (g % 4) * 10)),
                    now() - g * interval '6 days' - interval '20 days', now()
             FROM generate_series(1, 180) g;
             INSERT INTO page_views_daily (day, category_id, views)
             SELECT created_at::date, category_id, sum(reply_count + 1) * (6 + extract(dow FROM created_at::date)::int)
             FROM topics GROUP BY 1, 2
             ON CONFLICT (day, category_id) DO UPDATE SET views = page_views_daily.views + EXCLUDED.views;
             INSERT INTO moderation_queue (kind, post_id, author_id, reason, detail, state, resolved_at, resolution, created_at)
             SELECT 'held', p.id, p.author_id,
                    (ARRAY['too_brief', 'link_limit', 'link_promotion', 'words', 'first_posts', 'first_posts',
                           'partner_hold'])[1 + ((p.id / 401) % 7)::int], '',
                    CASE WHEN p.created_at > now() - interval '3 days' AND p.id % 3 = 0 THEN 'open'
                         WHEN p.id % 5 = 0 THEN 'rejected' ELSE 'approved' END,
                    CASE WHEN p.created_at > now() - interval '3 days' AND p.id % 3 = 0 THEN NULL
                         ELSE least(now(), p.created_at + ((p.id * 13) % 1440) * interval '1 minute') END,
                    '', p.created_at
             FROM posts p WHERE p.id % 401 = 0;
             INSERT INTO moderation_queue (kind, post_id, author_id, reason, detail, state, resolved_at, resolution, created_at)
             SELECT 'appeal', q.post_id, q.author_id, 'appeal', '', CASE WHEN q.post_id % 2 = 0 THEN 'approved' ELSE 'rejected' END,
                    least(now(), q.resolved_at + interval '30 hours'), '', least(now(), q.resolved_at + interval '2 hours')
             FROM moderation_queue q WHERE q.kind = 'held' AND q.state = 'rejected' AND q.post_id % 3 = 0;
             INSERT INTO flags (post_id, flagger_id, reason, weight, outcome, resolved_at, created_at)
             SELECT p.id, 1 + (p.id * 7) % (SELECT max(id) FROM users),
                    (ARRAY['spam', 'abusive', 'off_topic'])[1 + (p.id % 3)::int], 1,
                    CASE WHEN p.id % 2 = 0 THEN 'agreed' ELSE 'dismissed' END,
                    least(now(), p.created_at + interval '5 hours'), least(now(), p.created_at + interval '1 hour')
             FROM posts p WHERE p.id % 353 = 1
             ON CONFLICT DO NOTHING;
             INSERT INTO moderation_queue (kind, post_id, author_id, reason, detail, state, resolved_at, resolution, created_at)
             SELECT 'flagged', f.post_id, p.author_id, f.reason, '', CASE f.outcome WHEN 'agreed' THEN 'rejected' ELSE 'dismissed' END,
                    f.resolved_at, '', f.created_at
             FROM flags f JOIN posts p ON p.id = f.post_id
             ON CONFLICT DO NOTHING;
             INSERT INTO inbox_items (kind, topic_id, post_id, waiting_since, first_response_at, handled_at, created_at)
             SELECT 'detractor', p.topic_id, p.id, p.created_at,
                    CASE WHEN p.id % 6 <> 0 THEN least(now(), p.created_at + ((p.id * 17) % 4000) * interval '1 minute') END,
                    CASE WHEN p.id % 6 <> 0 THEN least(now(), p.created_at + ((p.id * 17) % 4000) * interval '1 minute') END,
                    p.created_at
             FROM posts p WHERE p.sentiment <= -0.6 AND p.id % 40 = 0
             ON CONFLICT DO NOTHING;
             ANALYZE idea_status_changes; ANALYZE club_membership_events; ANALYZE moderation_queue; ANALYZE flags;
             ANALYZE inbox_items; ANALYZE page_views_daily; ANALYZE events;",
        )
        .await
        .map_err(|e| format!("history: {e}"))?;
    Ok(format!(
        "seeded the history Insights reads (statuses, club, events, views, moderation, detractors) in {:.0} s",
        started.elapsed().as_secs_f64()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_is_large_and_zipf_shaped() {
        let mut g = Gen::new(1, Utc::now());
        assert!(g.vocabulary.len() >= 4000, "{}", g.vocabulary.len());
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for _ in 0..20_000 {
            *counts.entry(g.word()).or_default() += 1;
        }
        assert!(counts["the"] > counts["battery"], "function words lead");
        assert!(
            counts.len() > 2000,
            "a long tail: {} distinct words",
            counts.len()
        );
        // A typical content word is in far fewer than 40 % of posts (the old 60-word vocabulary's figure).
        let share = counts.get("saddle").copied().unwrap_or(0) as f64 / 20_000.0;
        assert!(share < 0.01, "{share}");
    }

    #[test]
    fn recent_posts_carry_the_bursts_and_old_ones_do_not() {
        let now = Utc::now();
        let mut g = Gen::new(2, now);
        let recent = (0..400)
            .filter(|_| g.body(now - Duration::hours(3)).0.contains("firmware 2.1 update"))
            .count();
        let old = (0..400)
            .filter(|_| g.body(now - Duration::days(30)).0.contains("firmware 2.1 update"))
            .count();
        assert!(recent > 20, "{recent}");
        assert_eq!(old, 0);
    }
}

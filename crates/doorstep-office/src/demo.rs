//! A simulated city for the office's demo and benchmarks: streets of
//! communities, a register with age group and gender, four quarters of
//! samples with their outcomes (who answered, refused, was never found),
//! interviews over three channels answered with a community's own level of
//! satisfaction (older residents answer more often and rate higher, phone
//! answers run higher: calibration and the mode table have something to
//! show), supervisors' approvals, and the work orders the complaints open,
//! moved along their states. Deterministic for a seed.
//!
//! [`build`] writes it straight into the office database (one transaction;
//! `office demo --direct`, for benchmarks); [`DemoCity`] gives the files
//! the real way starts from (register, surveyors, online and phone
//! exports) for `office demo`, which takes them through sample, simulate,
//! export, ingest and import-online (src/cli/office_demo.rs).

use std::collections::BTreeMap;

use crate::params;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use doorstep_core::assessment::Quarter;
use doorstep_core::interview::{Answer, AnswerValue};
use doorstep_core::questionnaire::{QuestionKind, Questionnaire};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::settings::{Counting, OrderSettings};
use crate::{Db, OfficeError};

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub streets: usize,
    pub communities_per_street: usize,
    /// Counted interviews per community and quarter (over all channels).
    pub per_quarter: usize,
    pub year: i32,
    pub seed: u64,
    /// Every this many communities one is small (a quarter of the
    /// interviews): the shrinkage has work to do. 0: none.
    pub small_every: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            streets: 3,
            communities_per_street: 4,
            per_quarter: 60,
            year: 2026,
            seed: 1,
            small_every: 6,
        }
    }
}

/// What was made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoSummary {
    pub streets: usize,
    pub communities: usize,
    pub residents: usize,
    pub sampled: usize,
    pub interviews: usize,
    pub orders: u64,
}

/// The settings the demo's database is meant to be read with: departments
/// for the complaint categories.
pub const SETTINGS: &str = r#"# office.toml of the demo city (doorstep office demo)
[ingest]
count = "approved"

[orders]
default_department = "街道综合办"

[orders.categories.environment]
department = "城管科"
deadline_days = 7

[orders.categories.safety]
department = "派出所"
deadline_days = 10

[orders.categories.property]
department = "物业科"
deadline_days = 10

[orders.categories.facilities]
department = "建设科"
deadline_days = 20

[orders.categories.elderly_care]
department = "民政科"
"#;

const STREETS: [&str; 3] = ["玄武街道", "秦淮街道", "鼓楼街道"];
const COMMUNITIES: [&str; 12] = [
    "翠竹社区",
    "梅园社区",
    "兰苑社区",
    "菊香社区",
    "桃源社区",
    "柳岸社区",
    "松风社区",
    "荷塘社区",
    "枫林社区",
    "杏花社区",
    "竹溪社区",
    "桂香社区",
];
const AGES: [&str; 3] = ["18-34", "35-59", "60+"];
const GENDERS: [&str; 2] = ["f", "m"];
const CATEGORIES: [&str; 6] = [
    "environment",
    "safety",
    "property",
    "facilities",
    "elderly_care",
    "activities",
];

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller: rand without rand_distr.
    let u: f64 = rng.random::<f64>().max(1e-12);
    let v: f64 = rng.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn names(opts: &DemoOptions) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in 0..opts.streets {
        let street = if opts.streets <= STREETS.len() {
            STREETS.get(s).copied().unwrap_or_default().to_string()
        } else {
            format!("第{:02}街道", s + 1)
        };
        for k in 0..opts.communities_per_street {
            let i = s * opts.communities_per_street + k;
            let community = if opts.streets * opts.communities_per_street <= COMMUNITIES.len() {
                COMMUNITIES[i].to_string()
            } else {
                format!("社区{:04}", i + 1)
            };
            out.push((street.clone(), community));
        }
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    crate::time_text(t)
}

/// The rated, scored items: (id, min, max, reverse).
fn rated(q: &Questionnaire) -> Vec<(String, i64, i64, bool)> {
    q.questions
        .iter()
        .filter_map(|question| match &question.kind {
            QuestionKind::Rating {
                min,
                max,
                scoring: Some(s),
                ..
            } => Some((question.id.clone(), *min, *max, s.reverse)),
            _ => None,
        })
        .collect()
}

/// Builds the city into an empty database.
pub fn build(
    db: &mut Db,
    q: &Questionnaire,
    opts: &DemoOptions,
    orders: &OrderSettings,
) -> Result<DemoSummary, OfficeError> {
    let existing: i64 = db.query_row("SELECT COUNT(*) FROM resident_periods", params![], |r| {
        r.get(0)
    })?;
    if existing > 0 {
        return Err(OfficeError::Invalid(
            "the demo is built into an empty office database; this one has a register".into(),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let items = rated(q);
    let item_effect: Vec<f64> = items.iter().map(|_| normal(&mut rng) * 6.0).collect();
    let places = names(opts);
    let residents_per = opts.per_quarter * 6;
    let start = NaiveDate::from_ymd_opt(opts.year, 1, 1)
        .ok_or_else(|| OfficeError::Invalid(format!("year {}", opts.year)))?;
    let t_start = start.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let mut summary = DemoSummary {
        streets: opts.streets,
        communities: places.len(),
        ..DemoSummary::default()
    };
    let now = time(Utc::now());
    let tx = db.transaction()?;
    // A batch row is written after its interviews (it counts them).
    tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    tx.execute(
        "INSERT INTO register_loads (load_id, loaded_on, loaded_at, file, sha256, rows, moved_in, moved_out, changed, unchanged)
         VALUES (1, ?1, ?2, 'demo', '', ?3, ?3, 0, 0, 0)",
        params![start.to_string(), now, (places.len() * residents_per) as i64],
    )?;
    tx.execute(
        "INSERT INTO decision_files (sha256, file, supervisor_id, date, ingested_at)
         VALUES ('demo', 'demo', 'SV1', ?1, ?2)",
        params![start.to_string(), now],
    )?;
    {
        let mut resident = tx.prepare(
            "INSERT INTO residents (resident_id, name, address, phone) VALUES (?1, ?2, ?3, NULL)",
        )?;
        let mut period = tx.prepare(
            "INSERT INTO resident_periods (resident_id, community, street, district, attributes, valid_from, load_from)
             VALUES (?1, ?2, ?3, '示范区', ?4, ?5, 1)",
        )?;
        let mut batch = tx.prepare(
            "INSERT INTO batches (batch_id, sha256, surveyor_id, device_id, sequence, created_at, file, visits, interviews, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'demo', ?7, ?8, ?6)",
        )?;
        let mut member = tx.prepare(
            "INSERT INTO sample_members (quarter, resident_id, community, stratum, reserve, surveyor_id)
             VALUES (?1, ?2, ?3, ?4, 0, ?5)",
        )?;
        let mut visit = tx.prepare(
            "INSERT INTO visits (visit_id, batch_id, resident_id, community, attempt, at, disposition, interview_id)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)",
        )?;
        let mut interview = tx.prepare(
            "INSERT INTO interviews (interview_id, batch_id, content_sha256, channel, resident_id, community,
                 surveyor_id, device_id, questionnaire_id, questionnaire_version, started_at, ended_at,
                 status, disposition, answers, notes, paradata)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'completed', 'complete', ?13, NULL, '[]')",
        )?;
        let mut decision = tx.prepare(
            "INSERT INTO decisions (interview_id, decided_at, supervisor_id, decision, comment, file_sha256)
             VALUES (?1, ?2, 'SV1', 'approved', NULL, 'demo')",
        )?;
        for (c, (street, community)) in places.iter().enumerate() {
            let level = 72.0 + normal(&mut rng) * 6.0;
            let drift = normal(&mut rng) * 1.5;
            let local: Vec<f64> = items.iter().map(|_| normal(&mut rng) * 4.0).collect();
            let per_quarter =
                if opts.small_every > 0 && c % opts.small_every == opts.small_every - 1 {
                    (opts.per_quarter / 4).max(6)
                } else {
                    opts.per_quarter
                };
            let surveyor = format!("S{:03}", c % 97 + 1);
            let mut people = Vec::with_capacity(residents_per);
            for r in 0..residents_per {
                let id = format!("C{c:04}R{r:05}");
                let age = AGES[rng.random_range(0..AGES.len())];
                let gender = GENDERS[rng.random_range(0..GENDERS.len())];
                resident.execute(params![
                    id,
                    format!("居民{r}"),
                    format!("{community}{}号", r / 6 + 1)
                ])?;
                let attributes =
                    serde_json::json!({"age_group": age, "gender": gender}).to_string();
                period.execute(params![
                    id,
                    community,
                    street,
                    attributes,
                    start.to_string()
                ])?;
                people.push((id, age, gender));
            }
            summary.residents += residents_per;
            for qn in 1..=4u8 {
                let quarter = Quarter {
                    year: opts.year,
                    q: qn,
                };
                let q_start = t_start + Duration::days(91 * i64::from(qn - 1));
                let batch_id = format!("demo-{c:04}-{qn}");
                let slice = &people[(usize::from(qn) - 1) * residents_per / 4
                    ..usize::from(qn) * residents_per / 4];
                // Who answers: older residents more often.
                let mut outcomes: Vec<bool> = slice
                    .iter()
                    .map(|(_, age, _)| {
                        let p = match *age {
                            "18-34" => 0.5,
                            "35-59" => 0.68,
                            _ => 0.85,
                        };
                        rng.random::<f64>() < p
                    })
                    .collect();
                // Exactly per_quarter completes: stop once there are enough,
                // revisit the last refusals when there are too few.
                let mut completes = 0;
                let mut end = slice.len();
                for (k, o) in outcomes.iter().enumerate() {
                    completes += usize::from(*o);
                    if completes == per_quarter {
                        end = k + 1;
                        break;
                    }
                }
                outcomes.truncate(end);
                let mut k = outcomes.len();
                while completes < per_quarter && k > 0 {
                    k -= 1;
                    if !outcomes[k] {
                        outcomes[k] = true;
                        completes += 1;
                    }
                }
                let (mut n_visits, mut n_interviews) = (0i64, 0i64);
                for (k, ((id, age, gender), answered)) in slice.iter().zip(&outcomes).enumerate() {
                    summary.sampled += 1;
                    member.execute(params![
                        quarter.to_string(),
                        id,
                        community,
                        format!("{age}/{gender}"),
                        surveyor
                    ])?;
                    let at = q_start
                        + Duration::days(rng.random_range(0..85))
                        + Duration::minutes(rng.random_range(60..720));
                    if !answered {
                        let u: f64 = rng.random();
                        let disposition = match u {
                            u if u < 0.35 => "refusal",
                            u if u < 0.7 => "no_one_home",
                            u if u < 0.8 => "respondent_away",
                            u if u < 0.9 => "moved",
                            _ => continue, // never visited
                        };
                        visit.execute(params![
                            format!("{batch_id}-v{k}"),
                            batch_id,
                            id,
                            community,
                            time(at),
                            disposition,
                            None::<String>
                        ])?;
                        n_visits += 1;
                        continue;
                    }
                    let u: f64 = rng.random();
                    let (channel, mode_effect) = match u {
                        u if u < 0.5 => ("home_visit", 0.0),
                        u if u < 0.8 => ("phone", 3.0),
                        _ => ("online", -2.0),
                    };
                    let person = match *age {
                        "18-34" => -5.0,
                        "35-59" => 0.0,
                        _ => 5.0,
                    } + if *gender == "f" { 1.0 } else { 0.0 };
                    let latent = level
                        + drift * f64::from(qn)
                        + person
                        + mode_effect
                        + normal(&mut rng) * 10.0;
                    let mut answers: BTreeMap<String, Answer> = BTreeMap::new();
                    for (j, (item, min, max, reverse)) in items.iter().enumerate() {
                        let score = (latent + item_effect[j] + local[j] + normal(&mut rng) * 8.0)
                            .clamp(0.0, 100.0);
                        let mut value =
                            *min + ((score / 100.0) * (*max - *min) as f64).round() as i64;
                        if *reverse {
                            value = *max + *min - value;
                        }
                        answers.insert(item.clone(), Answer::Value(AnswerValue::Rating { value }));
                    }
                    let complaint =
                        rng.random::<f64>() < (0.1 + (75.0 - latent) / 150.0).clamp(0.03, 0.4);
                    answers.insert(
                        "has_complaint".into(),
                        Answer::Value(AnswerValue::YesNo { value: complaint }),
                    );
                    if complaint {
                        let category = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
                        answers.insert(
                            "complaint_category".into(),
                            Answer::Value(AnswerValue::Choice {
                                value: category.into(),
                                other: None,
                            }),
                        );
                        answers.insert(
                            "complaint_location".into(),
                            Answer::Value(AnswerValue::Text {
                                value: format!("{}栋附近", rng.random_range(1..30)),
                            }),
                        );
                        answers.insert(
                            "complaint_detail".into(),
                            Answer::Value(AnswerValue::Text {
                                value: "（模拟数据）".into(),
                            }),
                        );
                    }
                    let interview_id = format!("{batch_id}-i{k}");
                    let json = serde_json::to_string(&answers)
                        .map_err(|e| OfficeError::Invalid(e.to_string()))?;
                    let hash = format!("{:x}", Sha256::digest(json.as_bytes()));
                    let ended = at + Duration::minutes(20);
                    interview.execute(params![
                        interview_id,
                        batch_id,
                        hash,
                        channel,
                        id,
                        community,
                        surveyor,
                        format!("D{c:04}"),
                        q.id,
                        q.version,
                        time(at),
                        time(ended),
                        json
                    ])?;
                    decision.execute(params![interview_id, time(ended + Duration::days(2))])?;
                    if channel == "home_visit" {
                        visit.execute(params![
                            format!("{batch_id}-v{k}"),
                            batch_id,
                            id,
                            community,
                            time(at),
                            "complete",
                            interview_id
                        ])?;
                        n_visits += 1;
                    }
                    n_interviews += 1;
                }
                summary.interviews += n_interviews as usize;
                batch.execute(params![
                    batch_id,
                    format!("{:x}", Sha256::digest(batch_id.as_bytes())),
                    surveyor,
                    format!("D{c:04}"),
                    i64::from(qn),
                    time(q_start + Duration::days(90)),
                    n_visits,
                    n_interviews
                ])?;
            }
        }
    }
    tx.commit()?;
    summary.orders = crate::orders::sync(db, orders, Counting::Approved, Utc::now())?;
    move_orders(db, &mut rng)?;
    Ok(summary)
}

/// [`move_orders`] with its own generator, seeded.
pub fn move_orders_seeded(db: &mut Db, seed: u64) -> Result<(), OfficeError> {
    move_orders(db, &mut ChaCha8Rng::seed_from_u64(seed ^ 0x4f52_4445))
}

/// Dates the orders by their interviews and moves them along: most are
/// verified, rectified and called back; some stay open, some are late.
fn move_orders(db: &mut Db, rng: &mut ChaCha8Rng) -> Result<(), OfficeError> {
    let tx = db.transaction()?;
    let orders: Vec<(i64, String, String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT o.order_id, i.ended_at, o.created_at, o.deadline
             FROM orders o JOIN interviews i ON i.interview_id = o.interview_id
             ORDER BY o.order_id",
        )?;
        let rows = stmt.query_map(params![], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let parse = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| OfficeError::Invalid(format!("{s}: {e}")))
    };
    for (id, ended, created, deadline) in orders {
        let t0 = parse(&ended)?;
        let days = parse(&deadline)? - parse(&created)?;
        tx.execute(
            "UPDATE orders SET created_at = ?2, deadline = ?3 WHERE order_id = ?1",
            params![id, time(t0), time(t0 + days)],
        )?;
        tx.execute(
            "UPDATE order_history SET at = ?2 WHERE order_id = ?1 AND to_status = 'new'",
            params![id, time(t0)],
        )?;
        let pace = days.num_days().max(1) as f64 * (0.3 + rng.random::<f64>() * 1.0);
        let mut t = t0;
        let mut path = vec![];
        if rng.random::<f64>() < 0.8 {
            path.push("substantiated");
            if rng.random::<f64>() < 0.9 {
                path.push("in_rectification");
                if rng.random::<f64>() < 0.85 {
                    path.push("rectified");
                    if rng.random::<f64>() < 0.8 {
                        path.push(if rng.random::<f64>() < 0.78 {
                            "satisfied"
                        } else {
                            "not_satisfied"
                        });
                        if rng.random::<f64>() < 0.7 {
                            path.push("closed");
                        }
                    }
                }
            }
        } else {
            path.push("not_substantiated");
            if rng.random::<f64>() < 0.8 {
                path.push("closed");
            }
        }
        let mut from = "new";
        for to in path {
            t += Duration::minutes((pace * 1440.0 / 4.0) as i64);
            tx.execute(
                "INSERT INTO order_history (order_id, at, who, from_status, to_status, note)
                 VALUES (?1, ?2, 'demo', ?3, ?4, NULL)",
                params![id, time(t), from, to],
            )?;
            from = to;
        }
        tx.execute(
            "UPDATE orders SET status = ?2 WHERE order_id = ?1",
            params![id, from],
        )?;
    }
    tx.commit()?;
    Ok(())
}

// ------------------------------------------------------------------ the
// city as files, for the demo that goes the real way (src/cli/office_demo.rs:
// register → sample → assign + simulate + export per surveyor → ingest;
// online and phone through `import-online`).

/// One community of the simulated city and its satisfaction.
#[derive(Debug, Clone)]
pub struct DemoCommunity {
    pub street: String,
    pub community: String,
    /// The index level its residents answer around.
    pub level: f64,
    /// Change per quarter.
    pub drift: f64,
    /// Few residents: its sample comes out short, the shrinkage has work.
    pub small: bool,
}

/// The city: its communities, each rated item's effect, the surveyors (one
/// per street, `S01`, `S02`, …).
#[derive(Debug, Clone)]
pub struct DemoCity {
    pub communities: Vec<DemoCommunity>,
    pub item_effect: BTreeMap<String, f64>,
    pub surveyors: Vec<(String, String)>,
    seed: u64,
}

impl DemoCity {
    pub fn new(q: &Questionnaire, opts: &DemoOptions) -> DemoCity {
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        let item_effect = rated(q)
            .into_iter()
            .map(|(id, ..)| (id, normal(&mut rng) * 6.0))
            .collect();
        let communities: Vec<DemoCommunity> = names(opts)
            .into_iter()
            .enumerate()
            .map(|(c, (street, community))| DemoCommunity {
                street,
                community,
                level: 72.0 + normal(&mut rng) * 6.0,
                drift: normal(&mut rng) * 1.5,
                small: opts.small_every > 0 && c % opts.small_every == opts.small_every - 1,
            })
            .collect();
        let mut streets: Vec<&String> = communities.iter().map(|c| &c.street).collect();
        streets.dedup();
        let surveyors = communities
            .iter()
            .map(|c| {
                let s = streets.iter().position(|s| **s == c.street).unwrap_or(0);
                (format!("S{:02}", s + 1), c.community.clone())
            })
            .collect();
        DemoCity {
            communities,
            item_effect,
            surveyors,
            seed: opts.seed,
        }
    }

    /// The register (`office register`): six residents per interview slot
    /// of a quarter (a small community: a quarter of that), age group and
    /// gender drawn evenly. Names and addresses are made up.
    pub fn register_csv(&self, opts: &DemoOptions) -> String {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ 0x5245_4749);
        let mut out =
            String::from("resident_id,name,address,community,street,district,age_group,gender\n");
        for (c, com) in self.communities.iter().enumerate() {
            let n = if com.small {
                (opts.per_quarter * 6 / 4).max(12)
            } else {
                opts.per_quarter * 6
            };
            for r in 0..n {
                let age = AGES[rng.random_range(0..AGES.len())];
                let gender = GENDERS[rng.random_range(0..GENDERS.len())];
                out.push_str(&format!(
                    "C{c:04}R{r:05},居民{r},{}{}号,{},{},示范区,{age},{gender}\n",
                    com.community,
                    r / 6 + 1,
                    com.community,
                    com.street
                ));
            }
        }
        out
    }

    /// `surveyor_id,community` for `office sample`.
    pub fn surveyors_csv(&self) -> String {
        let mut out = String::from("surveyor_id,community\n");
        for (s, c) in &self.surveyors {
            out.push_str(&format!("{s},{c}\n"));
        }
        out
    }

    /// An online (or phone centre's) export of `quarter` for
    /// `office import-online`: `per_community` respondents per community
    /// (a quarter of that in a small one), online respondents younger and
    /// phone ones older than the register, answers valid under the
    /// questionnaire's rules, around the community's level (phone answers
    /// run 3 points higher, online 2 lower).
    pub fn channel_export(
        &self,
        q: &Questionnaire,
        quarter: Quarter,
        quarter_index: u32,
        channel: &str,
        per_community: usize,
    ) -> Result<String, OfficeError> {
        let salt = if channel == "phone" { 0x5048 } else { 0x4f4e };
        let mut rng =
            ChaCha8Rng::seed_from_u64(self.seed ^ (salt << 20) ^ u64::from(quarter_index));
        let (ages, mode_effect): ([f64; 3], f64) = if channel == "phone" {
            ([0.15, 0.35, 0.5], 3.0)
        } else {
            ([0.5, 0.35, 0.15], -2.0)
        };
        let columns: Vec<&str> = q
            .questions
            .iter()
            .enumerate()
            .filter(|(i, question)| question.kind.is_answerable() && q.repeat_of(*i).is_none())
            .map(|(_, question)| question.id.as_str())
            .collect();
        let mut w = csv::Writer::from_writer(Vec::new());
        // The respondent's group in the register's terms; `register.` as
        // the questionnaire has a `gender` question of its own.
        let mut header = vec![
            "respondent_id",
            "community",
            "submitted_at",
            "register.age_group",
            "register.gender",
        ];
        header.extend(&columns);
        let csv_err = |e: csv::Error| OfficeError::Invalid(format!("demo export: {e}"));
        w.write_record(&header).map_err(csv_err)?;
        let start = NaiveDate::from_ymd_opt(quarter.year, u32::from(quarter.q) * 3 - 2, 1)
            .ok_or_else(|| OfficeError::Invalid(format!("quarter {quarter:?}")))?;
        for (c, com) in self.communities.iter().enumerate() {
            let n = if com.small {
                (per_community / 4).max(2)
            } else {
                per_community
            };
            for k in 0..n {
                let u: f64 = rng.random();
                let a = if u < ages[0] {
                    0
                } else if u < ages[0] + ages[1] {
                    1
                } else {
                    2
                };
                let age = AGES[a];
                let gender = GENDERS[rng.random_range(0..GENDERS.len())];
                let person = [-5.0, 0.0, 5.0][a] + if gender == "f" { 1.0 } else { 0.0 };
                let latent = com.level
                    + com.drift * f64::from(quarter_index)
                    + person
                    + mode_effect
                    + normal(&mut rng) * 10.0;
                let answers = self.answer(q, com, age, gender, latent, &mut rng)?;
                let at = start.and_hms_opt(8, 0, 0).expect("8:00").and_utc()
                    + Duration::days(rng.random_range(0..88))
                    + Duration::minutes(rng.random_range(0..720));
                let mut row = vec![
                    format!("{}-{quarter}-{c:04}-{k:04}", &channel[..2].to_uppercase()),
                    com.community.clone(),
                    crate::time_text(at),
                    age.to_string(),
                    gender.to_string(),
                ];
                row.extend(
                    columns
                        .iter()
                        .map(|id| answers.get(*id).map(cell_text).unwrap_or_default()),
                );
                w.write_record(&row).map_err(csv_err)?;
            }
        }
        let bytes = w
            .into_inner()
            .map_err(|e| OfficeError::Invalid(format!("demo export: {e}")))?;
        String::from_utf8(bytes).map_err(|e| OfficeError::Invalid(e.to_string()))
    }

    /// One respondent's answers, through the questionnaire's own flow:
    /// every top-level question that applies, in order, with a value the
    /// flow accepts.
    fn answer(
        &self,
        q: &Questionnaire,
        com: &DemoCommunity,
        age: &str,
        gender: &str,
        latent: f64,
        rng: &mut ChaCha8Rng,
    ) -> Result<BTreeMap<String, Answer>, OfficeError> {
        use doorstep_core::interview::{Interview, Slot};
        let mut fields = std::collections::HashMap::new();
        fields.insert("community".to_string(), com.community.clone());
        fields.insert("age_group".to_string(), age.to_string());
        fields.insert("gender".to_string(), gender.to_string());
        let mut flow = Interview::new(q, fields);
        let complaint = rng.random::<f64>() < (0.1 + (75.0 - latent) / 150.0).clamp(0.03, 0.4);
        for (i, question) in q.questions.iter().enumerate() {
            if !question.kind.is_answerable() || q.repeat_of(i).is_some() {
                continue;
            }
            let slot = Slot::top(i);
            if !flow.is_relevant(slot) {
                continue;
            }
            let candidates: Vec<AnswerValue> = match &question.kind {
                QuestionKind::Rating { min, max, .. } => {
                    let effect = self.item_effect.get(&question.id).copied().unwrap_or(0.0);
                    let score = (latent + effect + normal(rng) * 8.0).clamp(0.0, 100.0);
                    let reverse = matches!(&question.kind,
                        QuestionKind::Rating { scoring: Some(s), .. } if s.reverse);
                    let mut value = *min + ((score / 100.0) * (*max - *min) as f64).round() as i64;
                    if reverse {
                        value = *max + *min - value;
                    }
                    vec![AnswerValue::Rating { value }]
                }
                QuestionKind::YesNo => {
                    // Consent given; a complaint as drawn; no call-back
                    // (no phone number in the demo).
                    let yes = match question.id.as_str() {
                        "has_complaint" => complaint,
                        "recontact_consent" => false,
                        "consent" => true,
                        _ => rng.random::<f64>() < 0.3,
                    };
                    vec![
                        AnswerValue::YesNo { value: yes },
                        AnswerValue::YesNo { value: !yes },
                    ]
                }
                QuestionKind::SingleChoice(_) | QuestionKind::MultipleChoice(_) => {
                    let mut values: Vec<String> = flow
                        .visible_choices(slot)
                        .iter()
                        .filter(|c| c.value != doorstep_core::questionnaire::OTHER_CHOICE)
                        .map(|c| c.value.clone())
                        .collect();
                    if question.id == "gender" {
                        let g = if gender == "f" { "female" } else { "male" };
                        values.sort_by_key(|v| v != g);
                    } else {
                        let first = if values.is_empty() {
                            0
                        } else {
                            rng.random_range(0..values.len())
                        };
                        values.rotate_left(first);
                    }
                    values
                        .into_iter()
                        .map(|v| match &question.kind {
                            QuestionKind::MultipleChoice(_) => AnswerValue::Choices {
                                values: vec![v],
                                other: None,
                            },
                            _ => AnswerValue::Choice {
                                value: v,
                                other: None,
                            },
                        })
                        .collect()
                }
                QuestionKind::Integer { min, .. } => {
                    let base = min.unwrap_or(0).max(1);
                    let mut v: Vec<i64> = (base..base + 6).collect();
                    let first = rng.random_range(0..v.len());
                    v.rotate_left(first);
                    v.into_iter()
                        .map(|value| AnswerValue::Integer { value })
                        .collect()
                }
                QuestionKind::Decimal { min, .. } => vec![AnswerValue::Decimal {
                    value: min.unwrap_or(0.0) + 1.0,
                }],
                QuestionKind::Text { .. } => vec![AnswerValue::Text {
                    value: match question.id.as_str() {
                        "complaint_location" => format!("{}栋附近", rng.random_range(1..30)),
                        _ => "（模拟数据）小区东门路灯坏了".into(),
                    },
                }],
                QuestionKind::Date => vec![AnswerValue::Date {
                    value: NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date"),
                }],
                QuestionKind::Time => vec![AnswerValue::Time {
                    value: chrono::NaiveTime::from_hms_opt(10, 0, 0).expect("a time"),
                }],
                QuestionKind::Note | QuestionKind::Calculate { .. } => vec![],
            };
            let mut done = false;
            for c in candidates {
                if flow.set_answer(slot, Answer::Value(c)).is_ok() {
                    done = true;
                    break;
                }
            }
            if !done && question.required {
                return Err(OfficeError::Invalid(format!(
                    "demo: no valid answer found for {} of {}",
                    question.id, q.id
                )));
            }
        }
        Ok(flow
            .finished_answers()
            .into_iter()
            .filter(|(slot, _)| slot.instance.is_none())
            .map(|(slot, a)| (q.questions[slot.question].id.clone(), a))
            .collect())
    }
}

/// An answer as an export's cell (what `import-online` reads back).
fn cell_text(a: &Answer) -> String {
    match a {
        Answer::Special { special } => special.code().to_string(),
        Answer::Value(v) => match v {
            AnswerValue::Choice { value, .. } => value.clone(),
            AnswerValue::Choices { values, .. } => values.join(" "),
            AnswerValue::Rating { value } | AnswerValue::Integer { value } => value.to_string(),
            AnswerValue::YesNo { value } => if *value { "yes" } else { "no" }.to_string(),
            AnswerValue::Decimal { value } => value.to_string(),
            AnswerValue::Text { value } => value.clone(),
            AnswerValue::Date { value } => value.to_string(),
            AnswerValue::Time { value } => value.format("%H:%M").to_string(),
        },
    }
}

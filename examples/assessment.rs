//! Times the assessment on a synthetic city: every community × quarter ×
//! channel calibrated, each measure estimated, channels combined, years,
//! changes, shrinkage, and rankings at three levels with 1,000 bootstrap
//! draws. With `--csv DIR` it also writes the interviews and the register
//! for `benches/assessment.R`, which makes the same estimates with R's
//! `survey` (see `scripts/bench-assessment.sh`).
//!
//! cargo run --release --example assessment -- [COMMUNITIES] [PER_QUARTER] [--csv DIR]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use doorstep_core::assessment::{
    Community, INDEX, Interview, Level, Quarter, RankSettings, Settings, assess, rank,
};
use doorstep_core::estimate::Margin;

const AGES: [&str; 4] = ["18-34", "35-49", "50-64", "65+"];
const GENDERS: [&str; 2] = ["m", "f"];
const CHANNELS: [(&str, usize); 3] = [("home_visit", 50), ("phone", 30), ("online", 20)];
const DIMENSIONS: [&str; 6] = [
    "env", "safety", "elderly", "property", "workers", "services",
];

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let csv = args
        .iter()
        .position(|a| a == "--csv")
        .map(|i| args[i + 1].clone());
    let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let communities_n = numbers.first().copied().unwrap_or(1000);
    let per_quarter = numbers.get(1).copied().unwrap_or(100);
    let mut rng = Rng(2026);
    let mut communities = Vec::new();
    let mut cells: Vec<[[f64; 2]; 4]> = Vec::new();
    for c in 0..communities_n {
        let mut reg = [[0.0; 2]; 4];
        for row in reg.iter_mut() {
            for cell in row.iter_mut() {
                *cell = (100 + rng.below(900)) as f64;
            }
        }
        communities.push(Community {
            id: format!("C{c:04}"),
            street: format!("S{:03}", c / 20),
            district: format!("D{:02}", c / 100),
            margins: vec![
                Margin {
                    name: "age_group".into(),
                    levels: AGES.map(String::from).to_vec(),
                    totals: reg.iter().map(|r| r[0] + r[1]).collect(),
                },
                Margin {
                    name: "gender".into(),
                    levels: GENDERS.map(String::from).to_vec(),
                    totals: (0..2).map(|g| reg.iter().map(|r| r[g]).sum()).collect(),
                },
            ],
        });
        cells.push(reg);
    }
    let mut interviews = Vec::new();
    for (c, community) in communities.iter().enumerate() {
        let level = 60.0 + (c % 30) as f64;
        for q in 1..=4u8 {
            for (channel, share) in CHANNELS {
                let n = per_quarter * share / 100;
                for k in 0..n {
                    // The first eight fill every age × gender cell.
                    let (age, gender) = if k < 8 {
                        (k / 2, k % 2)
                    } else {
                        (rng.below(4) as usize, rng.below(2) as usize)
                    };
                    let mut measures = BTreeMap::new();
                    let mut sum = 0.0;
                    for d in DIMENSIONS {
                        let v = (level + rng.below(41) as f64 - 20.0).clamp(0.0, 100.0);
                        sum += v;
                        measures.insert(d.to_string(), v);
                    }
                    measures.insert(INDEX.to_string(), sum / DIMENSIONS.len() as f64);
                    interviews.push(Interview {
                        community: community.id.clone(),
                        quarter: Quarter { year: 2026, q },
                        channel: channel.to_string(),
                        levels: vec![AGES[age].into(), GENDERS[gender].into()],
                        measures,
                    });
                }
            }
        }
    }
    if let Some(dir) = &csv {
        write_csv(dir, &interviews, &communities, &cells);
    }
    let started = Instant::now();
    let a = assess(&interviews, &communities, &Settings::default());
    let assessed = started.elapsed();
    let settings = RankSettings::default();
    let mut ranked = 0;
    for period in ["2026Q4", "2026"] {
        for level in [Level::Street, Level::District, Level::City] {
            ranked += rank(&a, period, level, &settings).len();
        }
    }
    let total = started.elapsed();
    println!(
        "{} interviews, {} communities: {} figures, {} changes, {} problems, {} ranks",
        interviews.len(),
        communities.len(),
        a.rows.len(),
        a.changes.len(),
        a.problems.len(),
        ranked
    );
    println!(
        "estimates {:.3} s, with rankings (1,000 draws, 3 levels, quarter and year) {:.3} s",
        assessed.as_secs_f64(),
        total.as_secs_f64()
    );
}

fn write_csv(
    dir: &str,
    interviews: &[Interview],
    communities: &[Community],
    cells: &[[[f64; 2]; 4]],
) {
    std::fs::create_dir_all(dir).expect("create the CSV folder");
    let mut out = String::from("community,quarter,channel,age_group,gender,index");
    for d in DIMENSIONS {
        write!(out, ",{d}").unwrap();
    }
    out.push('\n');
    for i in interviews {
        write!(
            out,
            "{},{},{},{},{},{}",
            i.community, i.quarter, i.channel, i.levels[0], i.levels[1], i.measures[INDEX]
        )
        .unwrap();
        for d in DIMENSIONS {
            write!(out, ",{}", i.measures[d]).unwrap();
        }
        out.push('\n');
    }
    std::fs::write(format!("{dir}/interviews.csv"), out).expect("write interviews.csv");
    let mut reg = String::from("community,age_group,gender,count\n");
    for (c, cell) in communities.iter().zip(cells) {
        for (a, row) in cell.iter().enumerate() {
            for (g, n) in row.iter().enumerate() {
                writeln!(reg, "{},{},{},{n}", c.id, AGES[a], GENDERS[g]).unwrap();
            }
        }
    }
    std::fs::write(format!("{dir}/register.csv"), reg).expect("write register.csv");
}

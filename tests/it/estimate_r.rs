//! The calibrated estimates against the reference implementation: R's
//! `survey` package (Debian `r-cran-survey`), on generated communities.
//! Weights, means and standard errors must agree to 1e-8 relative.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;

use doorstep_core::estimate::{Margin, calibrated_mean, rake};

use crate::support::tools::have;

const AGES: [&str; 4] = ["18-34", "35-49", "50-64", "65+"];
const SEXES: [&str; 2] = ["m", "f"];

/// A small deterministic generator (the test must not depend on R's or
/// Rust's RNG streams).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

struct Respondent {
    community: usize,
    age: usize,
    sex: usize,
    y1: f64,
    y2: Option<f64>,
}

fn generate() -> (Vec<Respondent>, Vec<[[f64; 2]; 4]>) {
    let mut rng = Lcg(20261130);
    let sizes = [8usize, 25, 40, 80, 150];
    let mut people = Vec::new();
    let mut registers = Vec::new();
    for (c, &n) in sizes.iter().enumerate() {
        // Register counts by age × sex (the margins are their sums).
        let mut reg = [[0.0; 2]; 4];
        for row in reg.iter_mut() {
            for cell in row.iter_mut() {
                *cell = (50 + rng.below(400)) as f64;
            }
        }
        registers.push(reg);
        for i in 0..n {
            // Every age × sex cell has someone, even in the community of
            // eight (else raking may have no solution); older residents
            // answer more often, as in the field.
            let age = if i < 8 {
                i / 2
            } else {
                [0, 1, 2, 2, 3, 3][rng.below(6) as usize]
            };
            let sex = if i < 8 { i % 2 } else { rng.below(2) as usize };
            let y1 = (rng.below(5) * 25) as f64;
            let y2 = (rng.below(7) != 0).then(|| rng.below(11) as f64 * 10.0 - (age as f64));
            people.push(Respondent {
                community: c,
                age,
                sex,
                y1,
                y2,
            });
        }
    }
    (people, registers)
}

#[test]
fn calibrated_weights_means_and_ses_match_r_survey() {
    if !have("Rscript") {
        return;
    }
    let has_survey = Command::new("Rscript")
        .args(["-e", "library(survey)"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_survey {
        assert!(
            std::env::var_os("DOORSTEP_REQUIRE_TOOLS").is_none(),
            "R's survey package is missing (apt-get install -y r-cran-survey)"
        );
        eprintln!("SKIPPED: R's survey package is missing (apt-get install -y r-cran-survey)");
        return;
    }
    let (people, registers) = generate();
    let dir = tempfile::tempdir().unwrap();
    let mut data = String::from("id,community,base,age,sex,y1,y2\n");
    let mut ours: BTreeMap<usize, (Vec<f64>, [f64; 4])> = BTreeMap::new();
    for (c, reg) in registers.iter().enumerate() {
        let members: Vec<(usize, &Respondent)> = people
            .iter()
            .enumerate()
            .filter(|(_, p)| p.community == c)
            .collect();
        let population: f64 = reg.iter().flatten().sum();
        let base = vec![population / members.len() as f64; members.len()];
        let margins = [
            Margin {
                name: "age".into(),
                levels: AGES.map(String::from).to_vec(),
                totals: reg.iter().map(|r| r[0] + r[1]).collect(),
            },
            Margin {
                name: "sex".into(),
                levels: SEXES.map(String::from).to_vec(),
                totals: (0..2).map(|s| reg.iter().map(|r| r[s]).sum()).collect(),
            },
        ];
        let levels = vec![
            members.iter().map(|(_, p)| p.age).collect(),
            members.iter().map(|(_, p)| p.sex).collect(),
        ];
        let cal = rake(&base, &levels, &margins).unwrap();
        let y1: Vec<Option<f64>> = members.iter().map(|(_, p)| Some(p.y1)).collect();
        let y2: Vec<Option<f64>> = members.iter().map(|(_, p)| p.y2).collect();
        let e1 = calibrated_mean(&cal, &y1).unwrap();
        let e2 = calibrated_mean(&cal, &y2).unwrap();
        ours.insert(
            c,
            (
                cal.weights.clone(),
                [e1.estimate, e1.se, e2.estimate, e2.se],
            ),
        );
        for (k, (id, p)) in members.iter().enumerate() {
            let y2 = p.y2.map_or("NA".to_string(), |v| v.to_string());
            writeln!(
                data,
                "{id},{c},{:.17e},{},{},{},{y2}",
                base[k], AGES[p.age], SEXES[p.sex], p.y1
            )
            .unwrap();
        }
    }
    let mut pop = String::from("community,age,sex,count\n");
    for (c, reg) in registers.iter().enumerate() {
        for (a, row) in reg.iter().enumerate() {
            for (s, n) in row.iter().enumerate() {
                writeln!(pop, "{c},{},{},{n}", AGES[a], SEXES[s]).unwrap();
            }
        }
    }
    std::fs::write(dir.path().join("data.csv"), data).unwrap();
    std::fs::write(dir.path().join("register.csv"), pop).unwrap();
    let script = r#"
suppressMessages(library(survey))
d <- read.csv("data.csv", stringsAsFactors = FALSE)
reg <- read.csv("register.csv", stringsAsFactors = FALSE)
ages <- c("18-34", "35-49", "50-64", "65+"); sexes <- c("m", "f")
for (c in sort(unique(d$community))) {
  dc <- d[d$community == c, ]
  dc$age <- factor(dc$age, levels = ages); dc$sex <- factor(dc$sex, levels = sexes)
  rc <- reg[reg$community == c, ]
  rc <- rc[rep(seq_len(nrow(rc)), rc$count), ]
  rc$age <- factor(rc$age, levels = ages); rc$sex <- factor(rc$sex, levels = sexes)
  population <- colSums(model.matrix(~age + sex, rc))
  des <- svydesign(ids = ~1, weights = ~base, data = dc)
  cal <- calibrate(des, ~age + sex, population = population, calfun = "raking",
                   epsilon = 1e-11, maxit = 1000)
  m1 <- svymean(~y1, cal, na.rm = TRUE)
  m2 <- svymean(~y2, cal, na.rm = TRUE)
  cat(sprintf("est %d %.17g %.17g %.17g %.17g\n", c, coef(m1), SE(m1), coef(m2), SE(m2)))
  w <- weights(cal)
  for (i in seq_along(w)) cat(sprintf("w %d %d %.17g\n", c, dc$id[i], w[i]))
}
"#;
    std::fs::write(dir.path().join("check.R"), script).unwrap();
    let out = Command::new("Rscript")
        .arg("check.R")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let worst = std::cell::Cell::new(0.0f64);
    let close = |a: f64, b: f64, what: &str| {
        let rel = (a - b).abs() / b.abs().max(1e-12);
        worst.set(worst.get().max(rel));
        assert!(rel < 1e-8, "{what}: doorstep {a}, R {b} (relative {rel:e})");
    };
    let mut estimates = 0;
    let mut weights = 0;
    let mut index_in: BTreeMap<usize, usize> = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f[0] {
            "est" => {
                let c: usize = f[1].parse().unwrap();
                let (_, e) = &ours[&c];
                for (k, name) in ["y1 mean", "y1 se", "y2 mean", "y2 se"].iter().enumerate() {
                    close(
                        e[k],
                        f[2 + k].parse().unwrap(),
                        &format!("community {c} {name}"),
                    );
                }
                estimates += 1;
            }
            "w" => {
                let c: usize = f[1].parse().unwrap();
                let k = index_in.entry(c).or_insert(0);
                close(
                    ours[&c].0[*k],
                    f[3].parse().unwrap(),
                    &format!("community {c} weight {k}"),
                );
                *k += 1;
                weights += 1;
            }
            _ => panic!("unexpected R output: {line}"),
        }
    }
    eprintln!("largest relative difference from R: {:e}", worst.get());
    assert_eq!(estimates, 5);
    assert_eq!(weights, people.len());
}

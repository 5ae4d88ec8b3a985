//! Writes a synthetic resident list for benchmarks and load tests:
//! `cargo run --release --example gen_residents -- 100000 > residents.csv`
//! Names, addresses and rooms look like a real Chinese assignment list.

use std::io::{BufWriter, Write};

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: [&str; 20] = [
    "秀英", "桂英", "建国", "志强", "丽华", "淑珍", "国庆", "玉兰", "海燕", "春梅", "振华", "德明",
    "晓东", "文静", "子涵", "浩然", "雨桐", "一鸣", "佳怡", "明辉",
];
const AGES: [&str; 4] = ["18-34", "35-49", "50-64", "65+"];

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let mut out = BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "resident_id,name,address,community,grid,building,unit,room,phone,age_group,gender"
    )?;
    // A simple LCG: deterministic, no dependency.
    let mut x: u64 = 42;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    for i in 0..n {
        let community = i / 5000;
        let building = (i / 120) % 40 + 1;
        let unit = (i / 24) % 5 + 1;
        let room = (i % 24) / 2 * 100 + 101 + (i % 2);
        let name = format!(
            "{}{}",
            surnames[next(surnames.len() as u64) as usize],
            GIVEN[next(20) as usize]
        );
        writeln!(
            out,
            "R{i:07},{name},\"第{community}社区幸福路{building}号{unit}单元{room}室\",第{community}社区,G{},{building},{unit},{room},138{:08},{},{}",
            building / 10,
            next(100_000_000),
            AGES[next(4) as usize],
            if next(2) == 0 { "女" } else { "男" },
        )?;
    }
    out.flush()
}

//! Time to read a 100,000-row resident list (UTF-8 and GB18030 CSV).

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use doorstep_core::assignment::import::{Encoding, read_residents};

const ROWS: usize = 100_000;

fn list() -> String {
    let surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
    let given = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军"];
    let roads = ["幸福路", "和平街", "建设大道", "人民路", "解放巷"];
    let mut s = String::from(
        "resident_id,name,address,community,grid,building,unit,room,phone,age_group,tenure\n",
    );
    for i in 0..ROWS {
        writeln!(
            s,
            "R{i:06},{}{},\"{}{}号, {}栋{}单元\",阳光社区,G{},{},{},{},138{:08},{},{}",
            surnames[i % 10],
            given[i / 10 % 10],
            roads[i % 5],
            i % 300 + 1,
            i % 40 + 1,
            i % 6 + 1,
            i % 25,
            i % 40 + 1,
            i % 6 + 1,
            (i % 30 + 1) * 100 + i % 4 + 1,
            i,
            ["18-34", "35-59", "60+"][i % 3],
            ["owner", "renter"][i % 2],
        )
        .unwrap();
    }
    s
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let text = list();
    let utf8 = dir.path().join("residents-utf8.csv");
    std::fs::write(&utf8, &text).unwrap();
    let gb = dir.path().join("residents-gb18030.csv");
    std::fs::write(&gb, encoding_rs::GB18030.encode(&text).0).unwrap();

    let check = |p: &Path, e: Encoding| {
        let r = read_residents(p, None).unwrap();
        assert_eq!((r.residents.len(), r.encoding), (ROWS, Some(e)));
    };
    check(&utf8, Encoding::Utf8);
    check(&gb, Encoding::Gb18030);

    let mut g = c.benchmark_group("import_100k");
    g.sample_size(10);
    g.bench_function("csv_utf8", |b| {
        b.iter(|| read_residents(black_box(&utf8), None).unwrap())
    });
    g.bench_function("csv_gb18030", |b| {
        b.iter(|| read_residents(black_box(&gb), None).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

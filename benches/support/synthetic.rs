//! Generated questionnaires for benchmarks: large, but shaped like real ones
//! (sections of mixed types, skip logic on earlier answers, constraints).

use std::fmt::Write;

/// A questionnaire of `n` questions in sections of 20.
pub fn questionnaire(n: usize) -> String {
    let mut s = header();
    for i in 0..n {
        if i % 20 == 0 {
            section(&mut s, &format!("s{}", i / 20), None);
        }
        question(&mut s, i);
    }
    s
}

/// A household questionnaire whose repeat has `members` instances.
pub fn with_repeat() -> String {
    let mut s = header();
    section(&mut s, "household", None);
    writeln!(
        s,
        r#"[[sections.questions]]
id = "size"
type = "integer"
label = {{ zh = "人数", en = "Size" }}
min = 0
max = 5000
"#
    )
    .unwrap();
    section(
        &mut s,
        "members",
        Some(r#"repeat = { count = "${size}", max = 5000 }"#),
    );
    for (id, body) in [
        (
            "m_age",
            "type = \"integer\"\nmin = 0\nmax = 120\nrequired = true",
        ),
        ("m_sex", "type = \"single_choice\"\nchoices = \"sex\""),
        (
            "m_retired",
            "type = \"yes_no\"\nrelevant = \"${m_age} >= 50\"",
        ),
        (
            "m_work",
            "type = \"text\"\nrelevant = \"${m_retired} != 'yes' and ${m_age} >= 16\"",
        ),
        (
            "m_note",
            "type = \"integer\"\nconstraint = \". <= ${m_age}\"",
        ),
    ] {
        writeln!(
            s,
            "[[sections.questions]]\nid = \"{id}\"\n{body}\nlabel = {{ zh = \"问\", en = \"Q\" }}\n"
        )
        .unwrap();
    }
    section(&mut s, "after", None);
    writeln!(
        s,
        r#"[[sections.questions]]
id = "total_age"
type = "calculate"
calculation = "sum(${{m_age}})"

[[sections.questions]]
id = "summary"
type = "note"
label = {{ zh = "合计 ${{total_age}}", en = "Total ${{total_age}}" }}
"#
    )
    .unwrap();
    s
}

fn header() -> String {
    r#"id = "synthetic"
version = "1"
title = { zh = "合成", en = "Synthetic" }
languages = ["zh", "en"]
default_language = "zh"
special_responses = ["dont_know", "refused"]

[[dimensions]]
id = "d"
label = { zh = "维度", en = "Dimension" }

[choices]
sex = [
  { value = "f", label = { zh = "女", en = "Female" } },
  { value = "m", label = { zh = "男", en = "Male" } },
]
opts = [
  { value = "a", label = { zh = "甲", en = "A" } },
  { value = "b", label = { zh = "乙", en = "B" } },
  { value = "c", label = { zh = "丙", en = "C" } },
  { value = "none", label = { zh = "无", en = "None" }, exclusive = true },
]

"#
    .to_string()
}

fn section(s: &mut String, id: &str, extra: Option<&str>) {
    writeln!(
        s,
        "[[sections]]\nid = \"{id}\"\ntitle = {{ zh = \"节 {id}\", en = \"Section {id}\" }}\n{}\n",
        extra.unwrap_or("")
    )
    .unwrap();
}

fn question(s: &mut String, i: usize) {
    let body = match i % 5 {
        0 => "type = \"rating\"\nmin = 1\nmax = 5\ndimension = \"d\"\nrequired = true".to_string(),
        1 => format!(
            "type = \"single_choice\"\nchoices = \"sex\"\nrelevant = \"${{q{}}} >= 3\"",
            i - 1
        ),
        2 => format!(
            "type = \"multiple_choice\"\nchoices = \"opts\"\nrelevant = \"${{q{}}} = 'f' or ${{q{}}} > 2\"",
            i - 1,
            i - 2
        ),
        3 => format!(
            "type = \"integer\"\nmin = 0\nmax = 100\nconstraint = \". >= 0 and . <= 100\"\nrelevant = \"selected(${{q{}}}, 'a') or count-selected(${{q{}}}) = 0\"",
            i - 1,
            i - 1
        ),
        _ => "type = \"text\"\nmax_length = 200".to_string(),
    };
    writeln!(
        s,
        "[[sections.questions]]\nid = \"q{i}\"\n{body}\nlabel = {{ zh = \"第{i}题\", en = \"Question {i}\" }}\nhint = {{ zh = \"提示\", en = \"Hint\" }}\n"
    )
    .unwrap();
}

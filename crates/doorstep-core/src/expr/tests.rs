use std::collections::HashMap;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::ast::{Aggregate, BinOp, Func, Node, Pattern};
use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

struct TestEnv {
    questions: HashMap<String, Value>,
    resident: HashMap<String, Value>,
    current: Value,
    choice: HashMap<String, Value>,
    aggregates: HashMap<String, Vec<Value>>,
    position: Option<usize>,
    today: NaiveDate,
}

impl TestEnv {
    fn new() -> Self {
        TestEnv {
            questions: HashMap::new(),
            resident: HashMap::new(),
            current: Value::Empty,
            choice: HashMap::new(),
            aggregates: HashMap::new(),
            position: None,
            today: date(2024, 6, 15),
        }
    }

    fn q(mut self, name: &str, v: Value) -> Self {
        self.questions.insert(name.into(), v);
        self
    }
}

impl Env for TestEnv {
    fn question(&self, name: &str) -> Value {
        self.questions.get(name).cloned().unwrap_or(Value::Empty)
    }
    fn resident(&self, attr: &str) -> Value {
        self.resident.get(attr).cloned().unwrap_or(Value::Empty)
    }
    fn current(&self) -> Value {
        self.current.clone()
    }
    fn choice_field(&self, name: &str) -> Value {
        self.choice.get(name).cloned().unwrap_or(Value::Empty)
    }
    fn aggregate(&self, name: &str) -> Vec<Value> {
        self.aggregates.get(name).cloned().unwrap_or_default()
    }
    fn position(&self) -> Option<usize> {
        self.position
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn ev(src: &str, env: &TestEnv) -> Value {
    parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .eval(env)
}

fn ev0(src: &str) -> Value {
    ev(src, &TestEnv::new())
}

fn num(src: &str) -> f64 {
    match ev0(src) {
        Value::Number(n) => n,
        other => panic!("{src}: expected a number, got {other:?}"),
    }
}

fn yes(src: &str, env: &TestEnv) -> bool {
    match ev(src, env) {
        Value::Bool(b) => b,
        other => panic!("{src}: expected a boolean, got {other:?}"),
    }
}

fn tree(src: &str) -> Node {
    parse(src).unwrap_or_else(|e| panic!("{src}: {e}")).root
}

fn n(x: f64) -> Node {
    Node::Number(x)
}

fn q(name: &str) -> Node {
    Node::Ref(Ref::Question(name.into()))
}

fn cf(name: &str) -> Node {
    Node::Ref(Ref::ChoiceField(name.into()))
}

fn bin(op: BinOp, l: Node, r: Node) -> Node {
    Node::Binary(op, Box::new(l), Box::new(r))
}

fn neg(x: Node) -> Node {
    Node::Neg(Box::new(x))
}

fn canon(src: &str) -> String {
    parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .to_string()
}

// ---------------------------------------------------------------- parser

#[test]
fn precedence() {
    use BinOp::*;
    assert_eq!(
        tree("1 + 2 * 3"),
        bin(Add, n(1.0), bin(Mul, n(2.0), n(3.0)))
    );
    assert_eq!(
        tree("1 * 2 + 3"),
        bin(Add, bin(Mul, n(1.0), n(2.0)), n(3.0))
    );
    assert_eq!(
        tree("${a} or ${b} and ${c}"),
        bin(Or, q("a"), bin(And, q("b"), q("c")))
    );
    assert_eq!(
        tree("${a} = 1 and ${b} < 2"),
        bin(And, bin(Eq, q("a"), n(1.0)), bin(Lt, q("b"), n(2.0)))
    );
    // `<` binds tighter than `=`.
    assert_eq!(tree("1 = 2 < 3"), bin(Eq, n(1.0), bin(Lt, n(2.0), n(3.0))));
    assert_eq!(
        tree("1 + 2 >= 3 * 4"),
        bin(Ge, bin(Add, n(1.0), n(2.0)), bin(Mul, n(3.0), n(4.0)))
    );
    // Unary minus binds tighter than `*`.
    assert_eq!(tree("-2 * 3"), bin(Mul, neg(n(2.0)), n(3.0)));
    assert_eq!(tree("--2"), neg(neg(n(2.0))));
    assert_eq!(
        tree("6 div 2 mod 4"),
        bin(Mod, bin(Div, n(6.0), n(2.0)), n(4.0))
    );
    assert_eq!(
        tree("(1 + 2) * 3"),
        bin(Mul, bin(Add, n(1.0), n(2.0)), n(3.0))
    );
}

#[test]
fn associativity() {
    use BinOp::*;
    assert_eq!(
        tree("10 - 4 - 3"),
        bin(Sub, bin(Sub, n(10.0), n(4.0)), n(3.0))
    );
    assert_eq!(num("10 - 4 - 3"), 3.0);
    assert_eq!(num("10 - (4 - 3)"), 9.0);
    assert_eq!(num("12 div 3 div 2"), 2.0);
    assert_eq!(canon("10 - (4 - 3)"), "10 - (4 - 3)");
    assert_eq!(canon("(10 - 4) - 3"), "10 - 4 - 3");
    assert_eq!(canon("((1))"), "1");
    assert_eq!(canon("-(1 + 2)"), "-(1 + 2)");
    assert_eq!(canon("- - 2"), "--2");
    assert_eq!(canon("${a} or (${b} or ${c})"), "${a} or (${b} or ${c})");
}

#[test]
fn names_and_minus() {
    use BinOp::*;
    assert_eq!(tree("${a}-1"), bin(Sub, q("a"), n(1.0)));
    assert_eq!(tree("3-1"), bin(Sub, n(3.0), n(1.0)));
    // XPath reads `a-b` as one name.
    assert_eq!(tree("a-b"), cf("a-b"));
    assert_eq!(tree("a - b"), bin(Sub, cf("a"), cf("b")));
    assert_eq!(tree("a -b"), bin(Sub, cf("a"), cf("b")));
    assert_eq!(
        tree("count-selected(${x})"),
        Node::Call(Func::CountSelected, vec![q("x")])
    );
    // Operator words are operands where an operand is expected.
    assert_eq!(tree("and or or"), bin(Or, cf("and"), cf("or")));
    assert_eq!(tree("div div div"), bin(Div, cf("div"), cf("div")));
    assert_eq!(
        tree("county = ${county}"),
        bin(Eq, cf("county"), q("county"))
    );
}

#[test]
fn literals_and_references() {
    assert_eq!(tree(".5"), n(0.5));
    assert_eq!(tree("3."), n(3.0));
    assert_eq!(tree("3.25"), n(3.25));
    assert_eq!(tree("'it'"), Node::Text("it".into()));
    assert_eq!(tree("\"it's\""), Node::Text("it's".into()));
    assert_eq!(tree("'say \"hi\"'"), Node::Text("say \"hi\"".into()));
    assert_eq!(tree("'张三'"), Node::Text("张三".into()));
    assert_eq!(tree("."), Node::Ref(Ref::Current));
    assert_eq!(
        tree("${resident.floor}"),
        Node::Ref(Ref::Resident("floor".into()))
    );
    assert_eq!(tree("${resident}"), q("resident"));
    assert_eq!(tree("${_q-1}"), q("_q-1"));
    assert_eq!(tree("${名前}"), q("名前"));
    assert_eq!(tree("position(..)"), Node::Position);
    assert_eq!(tree("position( .. )"), Node::Position);
    assert_eq!(
        tree("count(${hh})"),
        Node::Aggregate(Aggregate::Count, "hh".into())
    );
    assert_eq!(
        tree("sum(${age})"),
        Node::Aggregate(Aggregate::Sum, "age".into())
    );
}

#[test]
fn printing() {
    assert_eq!(
        canon("${a}>3 and selected( ${b},'x' )"),
        "${a} > 3 and selected(${b}, 'x')"
    );
    assert_eq!(canon("\"it's\""), "\"it's\"");
    assert_eq!(canon("\"plain\""), "'plain'");
    assert_eq!(canon("3.0"), "3");
    assert_eq!(canon(".5"), "0.5");
    assert_eq!(canon("${resident.age}!=."), "${resident.age} != .");
    assert_eq!(
        canon("position(..)+count(${r})"),
        "position(..) + count(${r})"
    );
    assert_eq!(canon("regex(., \"^a'b$\")"), "regex(., \"^a'b$\")");
    assert_eq!(canon("concat()"), "concat()");
    assert_eq!(canon("1 - -1"), "1 - -1");
    assert_eq!(canon("-(-1)"), "--1");
    assert_eq!(canon("-(2 * 3)"), "-(2 * 3)");
    assert_eq!(canon("(-2) * 3"), "-2 * 3");
}

#[test]
fn every_function_parses() {
    let ok = [
        "not(1)",
        "selected(${a}, 'x')",
        "count-selected(${a})",
        "string-length(${a})",
        "string-length()",
        "regex(${a}, '^[0-9]+$')",
        "regex(${a}, ${b})",
        "if(1, 2, 3)",
        "coalesce(${a}, 'x')",
        "concat()",
        "concat(1)",
        "concat(1, 2, 3, 4)",
        "int(1.5)",
        "number('1')",
        "today()",
        "count(${r})",
        "sum(${r})",
        "position(..)",
        "true()",
        "false()",
        "string(1)",
        "round(1.5)",
        "round(1.55, 1)",
        "contains('ab', 'b')",
        "starts-with('ab', 'a')",
        "substr('abc', 1)",
        "substr('abc', 1, 2)",
        "boolean(1)",
        "min(1)",
        "min(1, 2, 3)",
        "max(1)",
        "max(1, 2, 3)",
    ];
    for src in ok {
        let e = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(parse(&e.to_string()), Ok(e.clone()), "{src}");
        assert!(!e.functions().is_empty(), "{src}");
    }
}

#[test]
fn literal_regex_compiles_at_parse_time() {
    assert!(matches!(tree("regex(., '^a+$')"), Node::RegexLiteral(..)));
    // A parenthesised literal is still a literal.
    assert!(matches!(tree("regex(., ('^a+$'))"), Node::RegexLiteral(..)));
    assert!(matches!(tree("regex(., ${p})"), Node::Call(Func::Regex, _)));
}

#[test]
fn errors() {
    let too_big = "9".repeat(400);
    let cases: Vec<(&str, usize, String)> = vec![
        ("", 0, "empty expression".into()),
        ("   ", 0, "empty expression".into()),
        ("1 + ", 4, "unexpected end of expression".into()),
        ("${a} and", 8, "unexpected end of expression".into()),
        (
            "(1 + 2",
            6,
            "expected ')' to close '(' at 0, found end of expression".into(),
        ),
        (
            "1 + (2 3)",
            7,
            "expected ')' to close '(' at 4, found '3'".into(),
        ),
        ("1 + 2)", 5, "unexpected ')'".into()),
        ("(1))", 3, "unexpected ')'".into()),
        (",", 0, "unexpected ','".into()),
        ("1 2", 2, "unexpected '2'".into()),
        ("1 foo", 2, "unexpected 'foo'".into()),
        ("* 2", 0, "unexpected '*'".into()),
        ("'abc", 0, "unterminated string".into()),
        ("1 = \"abc'", 4, "unterminated string".into()),
        ("${}", 0, "empty reference '${}'".into()),
        ("1 = ${abc", 4, "unterminated reference: missing '}'".into()),
        ("${a b}", 0, "invalid question name in '${a b}'".into()),
        ("${1a}", 0, "invalid question name in '${1a}'".into()),
        (
            "${resident.}",
            0,
            "invalid resident attribute in '${resident.}'".into(),
        ),
        ("$x", 0, "unexpected character '$'".into()),
        ("1 # 2", 2, "unexpected character '#'".into()),
        ("1 ! 2", 2, "unexpected character '!'".into()),
        ("'张三' = ¤", 11, "unexpected character '¤'".into()),
        ("'张三' +", 10, "unexpected end of expression".into()),
        ("foo(1)", 0, "unknown function 'foo'".into()),
        (
            "1 + jr:choice-name(1)",
            6,
            "unexpected character ':'".into(),
        ),
        ("1 + if(1, 2)", 4, "'if' takes 3 arguments, got 2".into()),
        ("not(1, 2)", 0, "'not' takes 1 argument, got 2".into()),
        ("today(1)", 0, "'today' takes 0 arguments, got 1".into()),
        ("true(1)", 0, "'true' takes 0 arguments, got 1".into()),
        ("round()", 0, "'round' takes 1 or 2 arguments, got 0".into()),
        (
            "substr('a')",
            0,
            "'substr' takes 2 or 3 arguments, got 1".into(),
        ),
        (
            "string-length(1, 2)",
            0,
            "'string-length' takes 0 or 1 arguments, got 2".into(),
        ),
        ("min()", 0, "'min' takes at least 1 argument, got 0".into()),
        (
            "selected(${a})",
            0,
            "'selected' takes 2 arguments, got 1".into(),
        ),
        (
            "concat(1 2)",
            9,
            "expected ',' or ')' to close '(' at 6, found '2'".into(),
        ),
        ("concat(1,", 9, "unexpected end of expression".into()),
        (
            "count(1)",
            6,
            "'count' takes a ${name} reference as its argument".into(),
        ),
        (
            "sum(.)",
            4,
            "'sum' takes a ${name} reference as its argument".into(),
        ),
        (
            "count(${resident.x})",
            6,
            "'count' takes a ${name} reference as its argument".into(),
        ),
        ("sum(${a}, ${b})", 0, "'sum' takes 1 argument, got 2".into()),
        ("count()", 0, "'count' takes 1 argument, got 0".into()),
        (
            "position(.)",
            9,
            "position() only accepts '..' as its argument".into(),
        ),
        ("position()", 0, "'position' takes 1 argument, got 0".into()),
        (
            "position(.., 1)",
            11,
            "expected ')' to close '(' at 8, found ','".into(),
        ),
        (
            ".. = 1",
            0,
            "'..' is only allowed as the argument of position()".into(),
        ),
        (
            "count(..)",
            6,
            "'..' is only allowed as the argument of position()".into(),
        ),
        (&too_big, 0, format!("number '{too_big}' is too large")),
    ];
    for (src, offset, message) in cases {
        let e = parse(src).expect_err(src);
        assert_eq!(
            (e.offset, e.message.as_str()),
            (offset, message.as_str()),
            "{src:?}"
        );
        assert_eq!(e.to_string(), message);
    }
}

#[test]
fn invalid_literal_regex() {
    let e = parse("regex(., '[a')").unwrap_err();
    assert_eq!(e.offset, 9);
    assert!(
        e.message.starts_with("invalid regex pattern: "),
        "{}",
        e.message
    );
    assert!(!e.message.contains('\n'));
}

#[test]
fn a_long_flat_sum_is_called_too_long_not_nested() {
    let terms = vec!["1"; 1500].join(" + ");
    let e = parse(&terms).unwrap_err();
    assert!(
        e.message.starts_with("expression too long"),
        "{}",
        e.message
    );
    let ok = vec!["1"; 900].join(" + ");
    assert!(parse(&ok).is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep_parens = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(
        parse(&deep_parens).unwrap_err().message,
        "expression is nested too deeply"
    );
    let deep_calls = format!("{}1{}", "not(".repeat(5000), ")".repeat(5000));
    assert!(parse(&deep_calls).is_err());
    let negations = format!("{}1", "-".repeat(100_000));
    assert!(parse(&negations).is_err());
    let long_chain = format!("{}1", "1 + ".repeat(5000));
    assert!(parse(&long_chain).is_err());
    // Moderate sizes are fine.
    let ok = format!("{}1", "${a} + ".repeat(300));
    assert!(parse(&ok).is_ok());
}

#[test]
fn references_are_reported() {
    let e = parse("${a} + count(${r}) + ${a} + sum(${a}) + ${resident.age} + . + county").unwrap();
    let uses: Vec<(Ref, bool)> = e
        .references()
        .into_iter()
        .map(|u| (u.reference, u.aggregated))
        .collect();
    assert_eq!(
        uses,
        vec![
            (Ref::Question("a".into()), false),
            (Ref::Question("r".into()), true),
            (Ref::Question("a".into()), true),
            (Ref::Resident("age".into()), false),
            (Ref::Current, false),
            (Ref::ChoiceField("county".into()), false),
        ]
    );
    assert!(parse("position(..) + 1").unwrap().references().is_empty());
    assert_eq!(
        parse("if(today() > ${d}, count(${r}), regex(., 'x'))")
            .unwrap()
            .functions(),
        vec!["if", "today", "count", "regex"]
    );
}

// ------------------------------------------------------------- evaluator

#[test]
fn empty_reference_semantics() {
    let env = TestEnv::new();
    assert!(yes("${q} = ''", &env));
    assert!(!yes("${q} != ''", &env));
    assert!(!yes("${q} = 0", &env));
    assert!(yes("${q} != 0", &env));
    assert!(!yes("${q} > 3", &env));
    assert!(!yes("${q} <= 3", &env));
    assert!(!yes("boolean(${q})", &env));
    assert!(yes("not(${q})", &env));
    assert!(matches!(ev("${q} + 1", &env), Value::Number(x) if x.is_nan()));
    assert_eq!(ev("string-length(${q})", &env), Value::Number(0.0));
    assert_eq!(ev("count-selected(${q})", &env), Value::Number(0.0));
    assert_eq!(ev("concat('a', ${q}, 'b')", &env), text("ab"));
}

#[test]
fn comparisons() {
    let env = TestEnv::new()
        .q("n", Value::Number(3.0))
        .q("t", text("3"))
        .q("s", text("abc"))
        .q("yes", Value::Bool(true));
    assert!(yes("${n} = '3'", &env));
    assert!(yes("${n} = ' 3 '", &env));
    assert!(yes("${t} = 3", &env));
    assert!(yes("${t} = '3'", &env));
    assert!(!yes("${t} = '3.0'", &env)); // strings compare as strings
    assert!(yes("${t} = 3.0", &env)); // a number on either side: numeric
    assert!(yes("${s} = 'abc'", &env));
    assert!(yes("${s} != 3", &env));
    assert!(!yes("${s} = 3", &env));
    assert!(yes(
        "${n} > 2 and ${n} >= 3 and ${n} < 4 and ${n} <= 3",
        &env
    ));
    assert!(yes("'10' > '9'", &env)); // relational is numeric in XPath
    assert!(!yes("${s} > 1", &env));
    // Booleans win: 'abc' is true.
    assert!(yes("${s} = true()", &env));
    assert!(yes("${yes} = 1", &env));
    assert!(yes("${yes} = 'no'", &env)); // non-empty text is true
    assert!(yes("1 = 1 = true()", &env));
}

#[test]
fn arithmetic() {
    assert_eq!(num("1 + 2 * 3"), 7.0);
    assert_eq!(num("7 mod 3"), 1.0);
    assert_eq!(num("-7 mod 3"), -1.0);
    assert_eq!(num("7 div 2"), 3.5);
    assert_eq!(num("1 div 0"), f64::INFINITY);
    assert_eq!(num("-1 div 0"), f64::NEG_INFINITY);
    assert!(num("0 div 0").is_nan());
    assert_eq!(num("' 4 ' * 2"), 8.0);
    assert!(num("'4x' * 2").is_nan());
    assert!(num("'1e3' * 1").is_nan());
    assert_eq!(num("true() + 1"), 2.0);
    assert_eq!(num("-'2'"), -2.0);
}

#[test]
fn number_to_text() {
    assert_eq!(ev0("string(3)"), text("3"));
    assert_eq!(ev0("string(3.5)"), text("3.5"));
    assert_eq!(ev0("string(1 div 0)"), text("Infinity"));
    assert_eq!(ev0("string(-1 div 0)"), text("-Infinity"));
    assert_eq!(ev0("string(0 div 0)"), text("NaN"));
    assert_eq!(ev0("string(-0)"), text("0"));
    assert_eq!(ev0("concat(1 div 4, '|', 1 = 1)"), text("0.25|true"));
    assert_eq!(ev0("string(0.1 + 0.2)"), text("0.30000000000000004"));
}

#[test]
fn selected_on_multiple_choice() {
    let env = TestEnv::new().q("m", text("park library pool"));
    assert!(yes("selected(${m}, 'library')", &env));
    assert!(yes("selected(${m}, ' pool ')", &env));
    assert!(!yes("selected(${m}, 'lib')", &env));
    assert!(!yes("selected(${m}, '')", &env));
    assert!(!yes("selected(${m}, 'park library')", &env));
    assert_eq!(ev("count-selected(${m})", &env), Value::Number(3.0));
    assert!(!yes("selected(${none}, 'park')", &env));
    let single = TestEnv::new().q("c", Value::Number(2.0));
    assert!(yes("selected(${c}, 2)", &single));
}

#[test]
fn dates() {
    let env = TestEnv::new()
        .q("dob", Value::Date(date(1990, 3, 1)))
        .q("visit", Value::Date(date(2024, 6, 10)));
    assert_eq!(ev("today()", &env), Value::Date(date(2024, 6, 15)));
    assert!(yes("${visit} <= today()", &env));
    assert!(!yes("${visit} > today()", &env));
    assert!(yes("${dob} < ${visit}", &env));
    assert!(yes("${visit} > '2024-06-01'", &env));
    assert!(yes("'2024-06-01' < ${visit}", &env));
    assert!(yes("${visit} = '2024-06-10'", &env));
    assert!(yes("${visit} != '2024-06-11'", &env));
    assert!(!yes("${missing} < today()", &env));
    assert_eq!(ev("today() - ${visit}", &env), Value::Number(5.0));
    assert_eq!(ev("number(${visit})", &env), Value::Number(19884.0));
    assert_eq!(ev("string(${visit})", &env), text("2024-06-10"));
    assert!(yes("int((today() - ${dob}) div 365.25) = 34", &env));
}

#[test]
fn aggregates_and_position() {
    let mut env = TestEnv::new();
    env.aggregates.insert(
        "age".into(),
        vec![Value::Number(30.0), Value::Empty, text("12"), text("x")],
    );
    env.aggregates
        .insert("member".into(), vec![Value::Empty; 3]);
    assert_eq!(ev("count(${member})", &env), Value::Number(3.0));
    assert_eq!(ev("count(${age})", &env), Value::Number(4.0));
    assert_eq!(ev("count(${nothing})", &env), Value::Number(0.0));
    // Unanswered and non-numeric members count as 0.
    assert_eq!(ev("sum(${age})", &env), Value::Number(42.0));
    assert_eq!(ev("sum(${nothing})", &env), Value::Number(0.0));
    // An empty repeat sums to +0, which prints "0" (not "-0").
    assert_eq!(ev("sum(${nothing})", &env).to_text(), "0");
    assert!(matches!(ev("position(..)", &env), Value::Number(x) if x.is_nan()));
    env.position = Some(2);
    assert_eq!(ev("position(..)", &env), Value::Number(2.0));
    assert!(yes("position(..) = count(${member}) - 1", &env));
}

#[test]
fn regex_matching() {
    let env = TestEnv::new()
        .q("phone", text("0612345678"))
        .q("pat", text("^06"))
        .q("bad", text("[a"));
    assert!(yes("regex(${phone}, '^0[67][0-9]{8}$')", &env));
    assert!(yes("regex(${phone}, '234')", &env)); // unanchored
    assert!(!yes("regex(${phone}, '^234')", &env));
    assert!(yes("regex(${phone}, ${pat})", &env));
    assert!(!yes("regex(${phone}, ${bad})", &env));
    assert!(yes("regex(12, '^[0-9]+$')", &env));
}

#[test]
fn conditionals_and_text() {
    let env = TestEnv::new()
        .q("name", text("张三"))
        .q("blank", text(""))
        .q("x", Value::Number(2.7));
    assert_eq!(ev("if(${x} > 2, 'big', 'small')", &env), text("big"));
    assert_eq!(ev("if(${none}, 'big', 5)", &env), Value::Number(5.0));
    assert_eq!(ev("coalesce(${none}, 'fallback')", &env), text("fallback"));
    assert_eq!(ev("coalesce(${blank}, ${name})", &env), text("张三"));
    assert_eq!(ev("coalesce(${x}, 1)", &env), Value::Number(2.7));
    assert_eq!(ev("concat('Hi ', ${name}, '!')", &env), text("Hi 张三!"));
    assert_eq!(ev("concat()", &env), text(""));
    assert_eq!(ev("string-length(${name})", &env), Value::Number(2.0));
    assert_eq!(ev("int(${x})", &env), Value::Number(2.0));
    assert_eq!(ev("int(-2.7)", &env), Value::Number(-2.0));
    assert!(matches!(ev("int('x')", &env), Value::Number(x) if x.is_nan()));
    assert_eq!(ev("number(' 12.5 ')", &env), Value::Number(12.5));
    assert!(matches!(ev("number('abc')", &env), Value::Number(x) if x.is_nan()));
    assert!(matches!(ev("number(${none})", &env), Value::Number(x) if x.is_nan()));
    assert!(yes("contains(${name}, '三')", &env));
    assert!(yes("starts-with('abc', 'ab')", &env));
    assert!(!yes("starts-with('abc', 'b')", &env));
    assert_eq!(ev("substr('abcdef', 1, 3)", &env), text("bc"));
    assert_eq!(ev("substr('abcdef', 4)", &env), text("ef"));
    assert_eq!(ev("substr('abcdef', -2)", &env), text("ef"));
    assert_eq!(ev("substr('abcdef', 3, 1)", &env), text(""));
    assert_eq!(ev("substr(${name}, 1)", &env), text("三"));
    assert_eq!(ev("round(2.5)", &env), Value::Number(3.0));
    assert_eq!(ev("round(-2.5)", &env), Value::Number(-3.0));
    assert_eq!(ev("round(2.71828, 2)", &env), Value::Number(2.72));
    assert_eq!(ev("round(1234, -2)", &env), Value::Number(1200.0));
    assert_eq!(ev("round(1.5, 1000)", &env), Value::Number(1.5));
    assert_eq!(ev("round(1.5, -1000)", &env), Value::Number(0.0));
    assert_eq!(ev("min(3, '1', 2)", &env), Value::Number(1.0));
    assert_eq!(ev("max(3, '1', 2)", &env), Value::Number(3.0));
    assert!(matches!(ev("max(3, ${none})", &env), Value::Number(x) if x.is_nan()));
    assert_eq!(ev("true() and not(false())", &env), Value::Bool(true));
}

#[test]
fn current_resident_and_choice_fields() {
    let mut env = TestEnv::new();
    env.current = text("abc");
    env.resident.insert("floor".into(), Value::Number(4.0));
    env.choice.insert("county".into(), text("north"));
    env.questions.insert("county".into(), text("north"));
    assert!(yes("string-length(.) = 3 and string-length() = 3", &env));
    assert!(yes("${resident.floor} > 3", &env));
    assert!(yes("county = ${county}", &env));
    assert!(!yes("${resident.missing} = 1", &env));
}

#[test]
fn short_circuit_is_observable_only_as_values() {
    assert_eq!(ev0("1 or 0 div 0"), Value::Bool(true));
    assert_eq!(ev0("0 and 1"), Value::Bool(false));
    assert_eq!(ev0("'' or 'x'"), Value::Bool(true));
}

// ------------------------------------------------------------ properties

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z_é张][a-zA-Z0-9_é张-]{0,6}"
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..1000).prop_map(f64::from),
        (0u32..100_000).prop_map(|x| f64::from(x) / 100.0),
        any::<f64>().prop_filter_map("finite", |x| x.is_finite().then_some(x.abs())),
    ]
}

fn string_literal() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z '\"张]{0,8}", any::<String>(),]
        .prop_filter("XPath strings cannot hold both quotes", |s| {
            !(s.contains('\'') && s.contains('"'))
        })
}

fn leaf() -> impl Strategy<Value = Node> {
    prop_oneof![
        name().prop_map(|n| Node::Ref(Ref::Question(n))),
        name().prop_map(|n| Node::Ref(Ref::Resident(n))),
        Just(Node::Ref(Ref::Current)),
        name().prop_map(|n| Node::Ref(Ref::ChoiceField(n))),
        number().prop_map(Node::Number),
        string_literal().prop_map(Node::Text),
        Just(Node::Position),
        (
            prop_oneof![Just(Aggregate::Count), Just(Aggregate::Sum)],
            name()
        )
            .prop_map(|(a, n)| Node::Aggregate(a, n)),
    ]
}

const OPS: [BinOp; 13] = [
    BinOp::Or,
    BinOp::And,
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Mod,
];

const PATTERNS: [&str; 4] = ["^[0-9]+$", "a|b", "it's", "\\s*\"x\""];

/// A call to `f` with `args`, in the form the parser would produce.
fn call(f: Func, mut args: Vec<Node>) -> Node {
    if f == Func::Regex
        && let Some(Node::Text(p)) = args.get(1)
    {
        let re = regex::Regex::new(&regex::escape(p)).unwrap();
        let subject = args.swap_remove(0);
        return Node::RegexLiteral(Box::new(subject), Pattern(re));
    }
    Node::Call(f, args)
}

fn node() -> impl Strategy<Value = Node> {
    leaf().prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| Node::Neg(Box::new(x))),
            (prop::sample::select(&OPS[..]), inner.clone(), inner.clone())
                .prop_map(|(op, l, r)| bin(op, l, r)),
            (
                prop::sample::select(&Func::ALL[..]),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(f, mut args)| {
                    let (min, max) = f.arity();
                    let max = max.unwrap_or(4);
                    while args.len() < min {
                        args.push(Node::Number(1.0));
                    }
                    args.truncate(max);
                    call(f, args)
                }),
            (inner, prop::sample::select(&PATTERNS[..])).prop_map(|(x, p)| {
                Node::RegexLiteral(Box::new(x), Pattern(regex::Regex::new(p).unwrap()))
            }),
        ]
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Empty),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(Value::Number),
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(-0.0),
            Just(1e308),
        ]
        .prop_map(Value::Number),
        any::<String>().prop_map(Value::Text),
        prop::sample::select(&["", "3", " -4.5 ", "a b c", "2024-02-29", "[a", "NaN", ".5"][..])
            .prop_map(text),
        (-1_000_000i32..1_000_000)
            .prop_map(|d| Value::Date(NaiveDate::from_num_days_from_ce_opt(738_000 + d).unwrap())),
        Just(Value::Date(NaiveDate::MIN)),
        Just(Value::Date(NaiveDate::MAX)),
    ]
}

struct ArbEnv {
    values: Vec<Value>,
    position: Option<usize>,
}

impl ArbEnv {
    fn pick(&self, key: &str) -> Value {
        self.values[key.len() % self.values.len()].clone()
    }
}

impl Env for ArbEnv {
    fn question(&self, name: &str) -> Value {
        self.pick(name)
    }
    fn resident(&self, attr: &str) -> Value {
        self.pick(attr)
    }
    fn current(&self) -> Value {
        self.pick("")
    }
    fn choice_field(&self, name: &str) -> Value {
        self.pick(name)
    }
    fn aggregate(&self, _: &str) -> Vec<Value> {
        self.values.clone()
    }
    fn position(&self) -> Option<usize> {
        self.position
    }
    fn today(&self) -> NaiveDate {
        date(2024, 6, 15)
    }
}

const TOKENS: [&str; 34] = [
    "${a}",
    "${resident.b}",
    "${",
    "}",
    "$",
    ".",
    "..",
    "(",
    ")",
    ",",
    "+",
    "-",
    "*",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    " and ",
    " or ",
    " div ",
    " mod ",
    "'x'",
    "\"y\"",
    "'",
    "1",
    ".5",
    "3.",
    "count(",
    "position(",
    "regex(",
    "selected(",
    "if(",
];

proptest! {
    #[test]
    fn parse_never_panics_on_any_text(s in any::<String>()) {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_token_soup(
        parts in prop::collection::vec(prop::sample::select(&TOKENS[..]), 0..24)
    ) {
        let src = parts.concat();
        match parse(&src) {
            // Whatever parses also round-trips.
            Ok(e) => prop_assert_eq!(parse(&e.to_string()), Ok(e)),
            Err(err) => prop_assert!(src.is_char_boundary(err.offset)),
        }
    }

    #[test]
    fn print_then_parse_round_trips(root in node()) {
        let e = Expr { root };
        let printed = e.to_string();
        prop_assert_eq!(parse(&printed), Ok(e), "printed as {}", printed);
    }

    #[test]
    fn eval_never_panics(
        root in node(),
        values in prop::collection::vec(value(), 1..6),
        position in prop::option::of(0usize..10),
    ) {
        let env = ArbEnv { values, position };
        let e = Expr { root };
        let v = e.eval(&env);
        let _ = (v.truthy(), v.to_text(), v.as_number());
    }
}

//! The syntax tree. It holds no source offsets, so a printed and re-parsed
//! tree compares equal to the original.

use std::fmt;

/// Something an expression reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref {
    /// `${name}`
    Question(String),
    /// `${resident.attr}`
    Resident(String),
    /// `.` — the answer being checked (constraints).
    Current,
    /// A bare name, e.g. `county` in a choice filter: a field of the choice.
    ChoiceField(String),
}

/// A reference together with how it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUse {
    pub reference: Ref,
    /// True when the reference is the argument of `count()` or `sum()`,
    /// i.e. it reads every instance of a repeat rather than one value.
    pub aggregated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// Binding strength; higher binds tighter. Unary minus sits above all
/// binary operators and below primaries.
pub(crate) const PREC_UNARY: u8 = 7;
pub(crate) const PREC_PRIMARY: u8 = 8;

impl BinOp {
    pub(crate) fn precedence(self) -> u8 {
        use BinOp::*;
        match self {
            Or => 1,
            And => 2,
            Eq | Ne => 3,
            Lt | Le | Gt | Ge => 4,
            Add | Sub => 5,
            Mul | Div | Mod => 6,
        }
    }

    pub(crate) fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Or => "or",
            And => "and",
            Eq => "=",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "div",
            Mod => "mod",
        }
    }
}

/// Functions taking ordinary value arguments. `count`, `sum`, `position`
/// and `regex` with a literal pattern have their own node kinds because
/// their arguments are constrained or preprocessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Not,
    Selected,
    CountSelected,
    StringLength,
    Regex,
    If,
    Coalesce,
    Concat,
    Int,
    Number,
    Today,
    True,
    False,
    String,
    Round,
    Contains,
    StartsWith,
    Substr,
    Boolean,
    Min,
    Max,
}

impl Func {
    pub(crate) const ALL: [Func; 21] = [
        Func::Not,
        Func::Selected,
        Func::CountSelected,
        Func::StringLength,
        Func::Regex,
        Func::If,
        Func::Coalesce,
        Func::Concat,
        Func::Int,
        Func::Number,
        Func::Today,
        Func::True,
        Func::False,
        Func::String,
        Func::Round,
        Func::Contains,
        Func::StartsWith,
        Func::Substr,
        Func::Boolean,
        Func::Min,
        Func::Max,
    ];

    pub(crate) fn name(self) -> &'static str {
        use Func::*;
        match self {
            Not => "not",
            Selected => "selected",
            CountSelected => "count-selected",
            StringLength => "string-length",
            Regex => "regex",
            If => "if",
            Coalesce => "coalesce",
            Concat => "concat",
            Int => "int",
            Number => "number",
            Today => "today",
            True => "true",
            False => "false",
            String => "string",
            Round => "round",
            Contains => "contains",
            StartsWith => "starts-with",
            Substr => "substr",
            Boolean => "boolean",
            Min => "min",
            Max => "max",
        }
    }

    /// Accepted argument counts: minimum and optional maximum.
    pub(crate) fn arity(self) -> (usize, Option<usize>) {
        use Func::*;
        match self {
            Today | True | False => (0, Some(0)),
            // No argument means the current node in XPath.
            StringLength => (0, Some(1)),
            Not | CountSelected | Int | Number | String | Boolean => (1, Some(1)),
            Round => (1, Some(2)),
            Selected | Regex | Coalesce | Contains | StartsWith => (2, Some(2)),
            Substr => (2, Some(3)),
            If => (3, Some(3)),
            Concat => (0, None),
            Min | Max => (1, None),
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aggregate {
    Count,
    Sum,
}

impl Aggregate {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Aggregate::Count => "count",
            Aggregate::Sum => "sum",
        }
    }
}

/// A regex compiled once at parse time. Equality is by pattern text so the
/// tree stays comparable.
#[derive(Clone)]
pub(crate) struct Pattern(pub(crate) regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.0.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Ref(Ref),
    /// Always finite and non-negative: the source has no negative literals.
    Number(f64),
    /// Never contains both quote characters (XPath strings cannot).
    Text(String),
    Neg(Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
    /// `count(${name})` / `sum(${name})`
    Aggregate(Aggregate, String),
    /// `position(..)`
    Position,
    /// `regex(subject, 'literal')`; a non-literal pattern is a plain `Call`.
    RegexLiteral(Box<Node>, Pattern),
}

impl Node {
    /// Calls `f` on every node, parents before children, left to right.
    pub(crate) fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        match self {
            Node::Neg(x) | Node::RegexLiteral(x, _) => x.walk(f),
            Node::Binary(_, l, r) => {
                l.walk(f);
                r.walk(f);
            }
            Node::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            Node::Ref(_)
            | Node::Number(_)
            | Node::Text(_)
            | Node::Aggregate(..)
            | Node::Position => {}
        }
    }

    /// Height of the tree (a leaf is 1): how deep evaluating it recurses.
    /// The parser bounds it, so this recursion is bounded too.
    pub(crate) fn depth(&self) -> u32 {
        1 + match self {
            Node::Neg(x) | Node::RegexLiteral(x, _) => x.depth(),
            Node::Binary(_, l, r) => l.depth().max(r.depth()),
            Node::Call(_, args) => args.iter().map(Node::depth).max().unwrap_or(0),
            Node::Ref(_)
            | Node::Number(_)
            | Node::Text(_)
            | Node::Aggregate(..)
            | Node::Position => 0,
        }
    }

    pub(crate) fn precedence(&self) -> u8 {
        match self {
            Node::Binary(op, ..) => op.precedence(),
            Node::Neg(_) => PREC_UNARY,
            _ => PREC_PRIMARY,
        }
    }
}

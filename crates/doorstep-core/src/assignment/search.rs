//! Finding a resident as the surveyor types: by name, address, community,
//! room (also as the list shows it, `5-2-301`), and by the pinyin of Chinese
//! names, addresses and communities, full or initials ("wxy" finds 王秀英,
//! "wutong" and "wtl" find 梧桐里).
//!
//! Every term of the query must appear, as typed, in one of those texts
//! (letters in any case). Scattered letters or digits do not match: "302"
//! finds rooms 302 and 1302, not 301 with a 2 elsewhere in the address.
//! Phone numbers are not searched, and a resident id only when it is typed
//! whole. Results come best first: the query is a whole room, room as
//! shown, id, name or name pinyin; then it begins one of them; then the
//! rest; each group in walking order.

use pinyin::ToPinyin;

use super::Resident;

/// What a resident is found by, prepared once when the list loads, so a
/// keystroke only compares strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchKey {
    /// Lower-cased texts separated by `\n` (so a term never spans two):
    /// first the [`WHOLE`] ones a query may equal, then the others.
    text: String,
}

/// How many of the key's texts (its first) count as whole values: room,
/// room as shown, resident id, name, name pinyin, name initials.
const WHOLE: usize = 6;
/// Between the texts of a key (a term, split on whitespace, never holds it).
const SEPARATOR: char = '\n';

/// A text in pinyin, full and initials; characters without pinyin (digits,
/// Latin letters) are kept in both, lower-cased; spaces and punctuation
/// are dropped.
fn pinyin_of(text: &str) -> (String, String) {
    let mut full = String::with_capacity(text.len() * 2);
    let mut initials = String::with_capacity(text.len());
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        match p {
            Some(p) => {
                let plain = p.plain();
                full.push_str(plain);
                initials.extend(plain.chars().next());
            }
            None if c.is_alphanumeric() => {
                full.extend(c.to_lowercase());
                initials.extend(c.to_lowercase());
            }
            None => {}
        }
    }
    (full, initials)
}

/// The texts a resident is found by.
pub fn search_key(r: &Resident) -> SearchKey {
    let (name_py, name_initials) = pinyin_of(&r.name);
    let (address_py, address_initials) = pinyin_of(&r.address);
    let community = r.community.as_deref().unwrap_or("");
    let (community_py, community_initials) = pinyin_of(community);
    let parts: [&str; 12] = [
        r.room.as_deref().unwrap_or(""),
        &r.place(),
        &r.resident_id,
        &r.name,
        &name_py,
        &name_initials,
        &r.address,
        community,
        &address_py,
        &address_initials,
        &community_py,
        &community_initials,
    ];
    let mut text = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            text.push(SEPARATOR);
        }
        text.extend(part.chars().flat_map(char::to_lowercase));
    }
    SearchKey { text }
}

impl SearchKey {
    fn parts(&self) -> impl Iterator<Item = &str> {
        self.text.split(SEPARATOR)
    }

    /// Whether every term appears in one of the texts; the resident id
    /// counts only when it is the whole query.
    fn matches(&self, terms: &[&str], query: &str) -> bool {
        // Most keys fail here, with one scan of the text per term.
        if !terms.iter().all(|t| self.text.contains(t)) {
            return false;
        }
        let mut seps = self.text.match_indices(SEPARATOR).map(|(i, _)| i);
        let (Some(_), Some(start), Some(end)) = (seps.next(), seps.next(), seps.next()) else {
            return false;
        };
        let (before, id, after) = (
            &self.text[..start],
            &self.text[start + 1..end],
            &self.text[end..],
        );
        id == query
            || terms
                .iter()
                .all(|t| before.contains(t) || after.contains(t))
    }

    /// 0: the query is a whole value; 1: it begins one; 2: it is inside.
    fn rank(&self, query: &str) -> u8 {
        let mut rank = 2;
        for p in self.parts().take(WHOLE) {
            if p == query {
                return 0;
            }
            if p.starts_with(query) {
                rank = 1;
            }
        }
        rank
    }
}

/// Ranks keys against a query; reusable across keystrokes (a query that
/// extends the last one searches only the last one's matches).
#[derive(Default)]
pub struct Finder {
    last: Option<(String, Vec<usize>)>,
}

impl Finder {
    /// Indexes of the keys that match, best first; ties keep their order
    /// (walking order, when the keys come in walking order).
    pub fn find(&mut self, query: &str, keys: &[SearchKey]) -> Vec<usize> {
        let query = query.trim_start().to_lowercase();
        let terms: Vec<&str> = query.split_whitespace().collect();
        if terms.is_empty() {
            self.last = None;
            return (0..keys.len()).collect();
        }
        let whole = query.trim_end();
        let test = |i: usize| keys[i].matches(&terms, whole);
        let hits: Vec<usize> = match self.last.take() {
            // Typing on: only what matched the shorter query can match.
            Some((last, hits)) if query.starts_with(&last) => {
                hits.into_iter().filter(|i| test(*i)).collect()
            }
            _ => (0..keys.len()).filter(|i| test(*i)).collect(),
        };
        let mut ranked: Vec<(u8, usize)> =
            hits.iter().map(|i| (keys[*i].rank(whole), *i)).collect();
        ranked.sort_unstable();
        self.last = Some((query.clone(), hits));
        ranked.into_iter().map(|(_, i)| i).collect()
    }

    /// Forgets the last query (the keys changed).
    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident(name: &str, room: &str) -> Resident {
        Resident {
            resident_id: format!("id-{room}"),
            name: name.into(),
            address: format!("翠竹园1栋{room}室"),
            community: None,
            grid: None,
            building: Some("1".into()),
            unit: None,
            room: Some(room.into()),
            phone: None,
            attributes: Default::default(),
        }
    }

    fn find(query: &str, people: &[Resident]) -> Vec<String> {
        let keys: Vec<SearchKey> = people.iter().map(search_key).collect();
        Finder::default()
            .find(query, &keys)
            .into_iter()
            .map(|i| people[i].name.clone())
            .collect()
    }

    /// A resident of the demo's shape: `community` 梧桐里 or 翠竹园.
    fn at(name: &str, community: &str, b: &str, u: &str, room: &str, id: &str) -> Resident {
        Resident {
            resident_id: id.into(),
            name: name.into(),
            address: format!("玄武区北京东路 63 号{community}{b}栋{u}单元{room}室"),
            community: Some(format!("{community}社区")),
            grid: None,
            building: Some(b.into()),
            unit: Some(u.into()),
            room: Some(room.into()),
            phone: Some(format!("1380000{room}")),
            attributes: Default::default(),
        }
    }

    fn street() -> Vec<Resident> {
        vec![
            at("苏子涵", "梧桐里", "5", "1", "302", "WT-051302"),
            at("徐建军", "梧桐里", "5", "2", "301", "WT-052301"),
            at("孙美玲", "梧桐里", "5", "2", "201", "WT-052201"),
            at("赵国庆", "翠竹园", "3", "1", "1302", "CZ-0311302"),
            at("吕丽华", "翠竹园", "3", "2", "203", "CZ-032203"),
            at("汤淑珍", "翠竹园", "6", "1", "302", "CZ-061302"),
        ]
    }

    #[test]
    fn finds_a_room_as_the_list_shows_it() {
        let people = street();
        assert_eq!(find("5-2-301", &people), ["徐建军"]);
        assert_eq!(find("5-2", &people), ["徐建军", "孙美玲"]);
    }

    #[test]
    fn a_room_number_finds_that_room_first_and_no_scattered_digits() {
        let people = street();
        // Room 302 exactly, in walking order; then 1302, which holds it.
        // Not 301 or 201 (3, 0 and 2 scattered over the address), nor a
        // phone number or a resident id that contains 302.
        assert_eq!(find("302", &people), ["苏子涵", "汤淑珍", "赵国庆"]);
        // An id matches when it is typed whole.
        assert_eq!(find("cz-032203", &people), ["吕丽华"]);
    }

    #[test]
    fn addresses_and_communities_match_by_pinyin() {
        let people = street();
        let wutong = ["苏子涵", "徐建军", "孙美玲"];
        assert_eq!(find("wutong", &people), wutong);
        assert_eq!(find("WuTongLi", &people), wutong);
        // Initials of the address or of the community.
        assert_eq!(find("wtl", &people), wutong);
        assert_eq!(find("czy", &people), ["赵国庆", "吕丽华", "汤淑珍"]);
        assert_eq!(find("cuizhuyuanshequ", &people).len(), 3);
        // Terms are all needed: a community and a name.
        assert_eq!(find("wutong sun", &people), ["孙美玲"]);
    }

    #[test]
    fn finds_by_name_room_and_pinyin() {
        let people = [
            resident("王秀英", "301"),
            resident("李建国", "502"),
            resident("王建军", "101"),
        ];
        assert_eq!(find("秀英", &people), ["王秀英"]);
        assert_eq!(find("502", &people), ["李建国"]);
        assert_eq!(find("wxy", &people), ["王秀英"]);
        assert_eq!(find("lijianguo", &people), ["李建国"]);
        assert_eq!(find("", &people).len(), 3);
        assert!(find("zzzz", &people).is_empty());
    }
}

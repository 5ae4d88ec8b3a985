//! Finding a resident as the surveyor types: by name, address or room, and
//! by the pinyin of a Chinese name (full or initials: "wxy" finds 王秀英).

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use pinyin::ToPinyin;

use super::Resident;

/// The text a resident is found by.
pub fn search_key(r: &Resident) -> String {
    let mut key = format!(
        "{} {} {}",
        r.name,
        r.address,
        r.room.as_deref().unwrap_or("")
    );
    let syllables: Vec<&str> = r
        .name
        .as_str()
        .to_pinyin()
        .flatten()
        .map(|p| p.plain())
        .collect();
    if !syllables.is_empty() {
        let initials: String = syllables.iter().filter_map(|s| s.chars().next()).collect();
        key.push(' ');
        key.push_str(&initials);
        key.push(' ');
        key.push_str(&syllables.concat());
    }
    key
}

/// Ranks haystacks against a query; reusable across keystrokes.
pub struct Finder {
    matcher: Matcher,
}

impl Default for Finder {
    fn default() -> Self {
        Finder {
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

impl Finder {
    /// Indexes of the keys that match, best first; ties keep their order
    /// (walking order, when the keys come in walking order).
    pub fn find(&mut self, query: &str, keys: &[Utf32String]) -> Vec<usize> {
        let query = query.trim();
        if query.is_empty() {
            return (0..keys.len()).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut hits: Vec<(u32, usize)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| {
                pattern
                    .score(k.slice(..), &mut self.matcher)
                    .map(|s| (s, i))
            })
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().map(|(_, i)| i).collect()
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
        let keys: Vec<Utf32String> = people.iter().map(|r| search_key(r).into()).collect();
        Finder::default()
            .find(query, &keys)
            .into_iter()
            .map(|i| people[i].name.clone())
            .collect()
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

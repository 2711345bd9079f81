//! 届出 施設基準 given in a claim (`facility.standards[]`), resolved once at validation.
//!
//! A standard is given by `code` (the 施設基準コード the 医科診療行為マスター carries in cols 72–81)
//! or by `name`. Names are data: `engine/data/standards.csv` maps each 施設基準's name and its
//! common short forms to its code, each row citing the master row that carries the code (checked
//! against the official file by `engine/tests/standards.rs`). A code is known when that table or
//! any row of the loaded master set carries it. Anything else is a claim error
//! `UNKNOWN_STANDARD` with the JSON path — never silently dropped, since a dropped 届出 drops
//! every 加算 that needs it.

use crate::claim::Claim;
use crate::ClaimError;
use chrono::NaiveDate;
use rustc_hash::FxHashSet;
use std::sync::LazyLock;

/// One row of `engine/data/standards.csv`.
#[derive(Debug)]
pub struct Entry {
    /// `None`: a 届出 that no master row carries as a code (matched by name only).
    pub code: Option<u16>,
    pub name: &'static str,
    pub aliases: Vec<&'static str>,
    pub source: &'static str,
}

/// The table, parsed once.
pub static TABLE: LazyLock<Vec<Entry>> = LazyLock::new(|| parse(include_str!("../data/standards.csv")));

fn parse(text: &'static str) -> Vec<Entry> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("code,") && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.splitn(4, ',');
            let (code, name, aliases, source) = (
                f.next().unwrap_or(""),
                f.next().unwrap_or(""),
                f.next().unwrap_or(""),
                f.next().unwrap_or(""),
            );
            Entry {
                // Empty = name-only. A non-empty code that does not parse would silently turn
                // the row into a name-only one: `the_table_parses_and_names_are_unique` checks
                // every non-empty code parses (see `raw_codes`).
                code: code.trim().parse().ok(),
                name,
                aliases: aliases.split('|').filter(|a| !a.is_empty()).collect(),
                source,
            }
        })
        .collect()
}

/// The entry named `name` (its name or one of its short forms), white space trimmed.
pub fn by_name(name: &str) -> Option<&'static Entry> {
    let n = name.trim();
    TABLE.iter().find(|e| e.name == n || e.aliases.contains(&n))
}

/// A 届出 of the claim, resolved.
#[derive(Clone, Copy, Debug)]
pub struct Held {
    pub code: Option<u16>,
    /// The table's name when the standard was given by a known name.
    pub name: Option<&'static str>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Held {
    pub fn on(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

/// Resolves every `facility.standards[]` entry; `master_codes` are the 施設基準コード the loaded
/// master rows carry.
pub fn resolve(claim: &Claim, master_codes: &FxHashSet<u16>) -> Result<Vec<Held>, ClaimError> {
    let mut out = Vec::with_capacity(claim.facility.standards.len());
    for (i, s) in claim.facility.standards.iter().enumerate() {
        let path = |f: &str| format!("facility.standards[{i}].{f}");
        let by_code = match &s.code {
            None => None,
            Some(c) => {
                let n: u16 = c.trim().parse().map_err(|_| {
                    ClaimError::unknown_standard(
                        path("code"),
                        format!("`{}` is not a 施設基準コード (1–4 digits)", crate::strict::clip(c)),
                    )
                })?;
                if !(master_codes.contains(&n) || TABLE.iter().any(|e| e.code == Some(n))) {
                    return Err(ClaimError::unknown_standard(
                        path("code"),
                        format!("施設基準コード {n} is carried by no row of the master set and is not in santei's table of 施設基準"),
                    ));
                }
                Some(n)
            }
        };
        let by_name = match &s.name {
            None => None,
            Some(n) => Some(by_name(n).ok_or_else(|| {
                ClaimError::unknown_standard(
                    path("name"),
                    format!(
                        "`{}` is not a 施設基準 name santei knows (engine/data/standards.csv); give its `code`",
                        crate::strict::clip(n)
                    ),
                )
            })?),
        };
        let code = match (by_code, by_name) {
            (Some(c), Some(e)) if e.code != Some(c) => {
                return Err(ClaimError::unknown_standard(
                    path("name"),
                    format!(
                        "`{}` is 施設基準コード {}, not the given code {c}",
                        e.name,
                        e.code.map_or("(none)".to_string(), |x| x.to_string())
                    ),
                ))
            }
            (Some(c), _) => Some(c),
            (None, Some(e)) => e.code,
            (None, None) => {
                return Err(ClaimError::invalid(
                    format!("facility.standards[{i}]"),
                    "a standard needs `code` or `name`",
                ))
            }
        };
        out.push(Held {
            code,
            name: by_name.map(|e| e.name),
            from: s.from,
            to: s.to,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first column of every data row, as written.
    fn raw_codes() -> Vec<&'static str> {
        include_str!("../data/standards.csv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("code,") && !l.trim().is_empty())
            .map(|l| l.split(',').next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn the_table_parses_and_names_are_unique() {
        for (raw, e) in raw_codes().iter().zip(TABLE.iter()) {
            assert_eq!(raw.trim().is_empty(), e.code.is_none(), "code `{raw}` of {}", e.name);
        }
        assert!(TABLE.len() >= 20);
        let mut names = FxHashSet::default();
        for e in TABLE.iter() {
            assert!(!e.name.is_empty() && !e.source.is_empty(), "{e:?}");
            for n in std::iter::once(&e.name).chain(e.aliases.iter()) {
                assert!(names.insert(*n), "name {n} twice");
            }
        }
        assert_eq!(by_name("医療DX推進体制整備加算").and_then(|e| e.code), Some(4035));
        assert_eq!(by_name(" 機能強化加算 ").and_then(|e| e.code), Some(3522));
        assert_eq!(by_name("夜間・早朝等加算").map(|e| e.code), Some(None));
    }
}

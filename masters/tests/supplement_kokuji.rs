//! The supplement (`masters/supplement/s_20260305.csv`, 令和8年度 rows) checked against the 告示
//! text of `shared/reference/kokuji/r8/` (one YAML per 区分: `points`, `raw_text`, `notes`,
//! `tiers`; extracted by a program, not reviewed — see `shared/reference/README.md`).
//!
//! Per row: the 区分 comes from its columns 85 (アルファベット) and 92 (区分番号) with 93 (枝番),
//! or — for the sparse 変更/廃止 rows, which leave them empty — from the row's source in
//! `s_20260305.sources.csv` (`R8告示 A001注3 …`), which also names the 注.
//! - A row with points (3 新規, 5 変更) is *checked* when its points are in the 告示 where its
//!   name or 注 points: by name (the name, or its （…） part, written right before the points
//!   or as a tier name with those points), else in its 注's text, else (a 注 without points of
//!   its own, or no 注) the 区分's own points or a tier's. Points found nowhere there *disagree*.
//! - A 9 (廃止) row carries no points: it is *checked* when the 加算 its source says is
//!   abolished (`X abolished`) appears in no 区分 of the R8 text.
//! - Anything else is *unchecked*, listed with why. The test fails on any disagreement, and if a
//!   row is in none of the three lists.
//!
//! The reference is found through `SANTEI_REFERENCE`, else `<workspace>/../shared/reference`;
//! when it is absent the test prints a loud `SKIPPED` line and passes.
//!
//! In the 告示 text single-digit points are full-width (`９点`) and longer ones ASCII (`15点`):
//! `…加算２９点` is 加算2, 9点. Point tokens are read that way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn reference_path() -> PathBuf {
    match std::env::var_os("SANTEI_REFERENCE") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference")),
    }
}

/// One 区分 of the R8 告示, as far as this test reads its YAML.
#[derive(Default, Debug)]
struct Item {
    points: Option<u32>,
    raw_text: String,
    /// 注 id (`注3`) → its text.
    notes: BTreeMap<String, String>,
    /// (tier or sub-tier name, points).
    tiers: Vec<(String, u32)>,
}

/// A small reader for the fixed shape of these files (not a general YAML parser).
fn parse_item(text: &str) -> Item {
    let mut item = Item::default();
    let mut section = "";
    let mut note: Option<String> = None;
    let mut in_note_text = false;
    let mut tier_name: Option<String> = None;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') {
            // A top-level key.
            section = line.split(':').next().unwrap_or("");
            note = None;
            if let Some(v) = line.strip_prefix("points: ") {
                item.points = v.trim().parse().ok();
            }
            continue;
        }
        match section {
            "raw_text" => {
                item.raw_text.push_str(line.trim_start());
                item.raw_text.push('\n');
            }
            "notes" => {
                if let Some(id) = line.strip_prefix("- id: ") {
                    note = Some(id.trim().to_string());
                    in_note_text = false;
                    continue;
                }
                let Some(id) = &note else { continue };
                if let Some(v) = line.strip_prefix("  text: ") {
                    in_note_text = true;
                    if !v.starts_with('|') {
                        item.notes.entry(id.clone()).or_default().push_str(v);
                    }
                } else if line.starts_with("    ") && in_note_text {
                    let t = item.notes.entry(id.clone()).or_default();
                    t.push_str(line.trim_start());
                    t.push('\n');
                } else {
                    in_note_text = false;
                }
            }
            "tiers" => {
                let l = line.trim_start().trim_start_matches("- ");
                if let Some(v) = l.strip_prefix("name: ") {
                    tier_name = Some(v.trim().to_string());
                } else if let Some(v) = l.strip_prefix("points: ") {
                    if let (Some(n), Ok(p)) = (&tier_name, v.trim().parse()) {
                        item.tiers.push((n.clone(), p));
                    }
                }
            }
            _ => {}
        }
    }
    item
}

/// Point tokens of a text with their byte offsets: ASCII digits before 点, or one full-width
/// digit before 点 (the 告示 writes single-digit points full-width).
fn point_tokens(text: &str) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('点') {
        let before = &text[..i];
        let ascii: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !ascii.is_empty() {
            if let Ok(n) = ascii.parse() {
                out.push((i - ascii.len(), n));
            }
        } else if let Some(c) = before.chars().last() {
            if ('０'..='９').contains(&c) {
                out.push((i - c.len_utf8(), c as u32 - '０' as u32));
            }
        }
    }
    out
}

/// Full-width digits as ASCII (names in the master use full-width: `加算１（初診）`).
fn fw_digit(c: char) -> char {
    if ('０'..='９').contains(&c) {
        char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
    } else {
        c
    }
}

/// Whether `text` has `name` followed directly by the points `pts` (as a point token).
fn name_then_points(text: &str, name: &str, pts: u32) -> bool {
    let tokens = point_tokens(text);
    text.match_indices(name)
        .any(|(i, _)| tokens.iter().any(|(at, n)| *at == i + name.len() && *n == pts))
}

struct Row {
    code: String,
    change: String,
    name: String,
    points: Option<u32>,
    kubun: Option<String>,
}

fn read_supplement(dir: &Path) -> Vec<Row> {
    let bytes = std::fs::read(dir.join("s_20260305.csv")).expect("supplement");
    let mut rows = Vec::new();
    masters::raw::read_rows("s_20260305.csv", &bytes, &[150], |r| {
        let (_, raw) = r?;
        let points = raw.col(12).split('.').next().and_then(|p| p.parse().ok());
        let (alpha, kubun, eda) = (raw.col(85), raw.col(92), raw.col(93));
        let kubun = (!alpha.is_empty() && !kubun.is_empty()).then(|| match eda.parse::<u32>() {
            Ok(e) if e > 0 => format!("{alpha}{kubun}-{e}"),
            _ => format!("{alpha}{kubun}"),
        });
        rows.push(Row {
            code: raw.col(3).to_string(),
            change: raw.col(1).to_string(),
            name: raw.col(5).to_string(),
            points,
            kubun,
        });
        Ok(())
    })
    .expect("supplement reads");
    rows
}

/// code → source text (`s_20260305.sources.csv`).
fn read_sources(dir: &Path) -> BTreeMap<String, String> {
    let mut rdr = csv::Reader::from_path(dir.join("s_20260305.sources.csv")).expect("sources");
    rdr.records()
        .map(|r| {
            let r = r.expect("sources row");
            (r[0].to_string(), r[1].to_string())
        })
        .collect()
}

/// The 区分 and 注 an `R8告示 …` source names: `R8告示 A001注3 (…)` → (`A001`, `注3`).
fn kubun_of_source(src: &str) -> (Option<String>, Option<String>) {
    let Some(rest) = src.find("R8告示").map(|i| &src[i..]) else {
        return (None, None);
    };
    let b = rest.as_bytes();
    for i in 0..b.len().saturating_sub(3) {
        let is_code = b[i].is_ascii_uppercase()
            && b[i + 1..i + 4].iter().all(|c| c.is_ascii_digit())
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if !is_code {
            continue;
        }
        let mut end = i + 4;
        if b.get(end) == Some(&b'-') {
            let n = b[end + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 0 {
                end += 1 + n;
            }
        }
        let kubun = rest[i..end].to_string();
        let after = &rest[end..];
        let note = after.strip_prefix("注").map(|a| {
            let n: String = a.chars().take_while(|c| c.is_ascii_digit()).collect();
            format!("注{n}")
        });
        return (Some(kubun), note.filter(|n| n.len() > "注".len()));
    }
    (None, None)
}

fn item_path(r8: &Path, kubun: &str) -> PathBuf {
    r8.join("items").join(&kubun[..2]).join(format!("{kubun}.yaml"))
}

#[test]
fn supplement_points_agree_with_the_r8_kokuji() {
    let reference = reference_path();
    let r8 = reference.join("kokuji/r8");
    if !r8.join("index.yaml").is_file() {
        eprintln!(
            "SKIPPED: supplement_kokuji at {}:{}: no 告示 reference at {} (set SANTEI_REFERENCE to the shared/reference folder)",
            file!(),
            line!(),
            r8.display()
        );
        return;
    }
    let supp = Path::new(env!("CARGO_MANIFEST_DIR")).join("supplement");
    let rows = read_supplement(&supp);
    let sources = read_sources(&supp);
    // Every R8 区分's text, for the abolition check.
    let mut all_text = String::new();
    for group in std::fs::read_dir(r8.join("items")).unwrap() {
        for f in std::fs::read_dir(group.unwrap().path()).unwrap() {
            all_text.push_str(&parse_item(&std::fs::read_to_string(f.unwrap().path()).unwrap()).raw_text);
        }
    }
    let (mut checked, mut unchecked, mut disagree) = (Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        let src = sources.get(&row.code).map(String::as_str).unwrap_or("");
        let (src_kubun, note) = kubun_of_source(src);
        let label = format!(
            "{} ({}{})",
            row.code,
            row.change,
            if row.name.is_empty() {
                String::new()
            } else {
                format!(" {}", row.name)
            }
        );
        if row.change == "9" {
            let abolished = src.find(" abolished").map(|i| {
                let head = &src[..i];
                head.rsplit([' ', ':', '　']).next().unwrap_or("").to_string()
            });
            match abolished.filter(|a| !a.is_empty()) {
                Some(a) if !all_text.contains(&a) => checked.push(format!("{label}: 廃止: `{a}` is in no R8 区分")),
                Some(a) => disagree.push(format!("{label}: 廃止 of `{a}`, but the R8 告示 still has it")),
                None => unchecked.push(format!("{label}: a 廃止 row whose source names no abolished 加算")),
            }
            continue;
        }
        let Some(pts) = row.points else {
            unchecked.push(format!("{label}: no points in the row"));
            continue;
        };
        let Some(kubun) = row.kubun.clone().or(src_kubun.clone()) else {
            unchecked.push(format!("{label}: no 区分 in the row nor in its source `{src}`"));
            continue;
        };
        if let (Some(a), Some(b)) = (&row.kubun, &src_kubun) {
            if a != b {
                disagree.push(format!("{label}: 区分 {a} in the row, {b} in its source"));
                continue;
            }
        }
        let path = item_path(&r8, &kubun);
        let Ok(text) = std::fs::read_to_string(&path) else {
            unchecked.push(format!("{label}: no R8 YAML for 区分 {kubun}"));
            continue;
        };
        let item = parse_item(&text);
        let by = if row.kubun.is_some() { "row" } else { "source" };
        // By name: the name (digits as in the 告示), or its （…） part, then the points.
        // A sparse change row (変更区分 5) carries no name: the code's name is its official row's
        // (the embedded default set holds it).
        let own_name = if row.name.is_empty() {
            official_name(&row.code)
        } else {
            row.name.clone()
        };
        let name: String = own_name.chars().map(fw_digit).collect();
        let stem = name.split('（').next().unwrap_or("").to_string();
        let inner = name.split_once('（').map(|(_, r)| r.trim_end_matches('）').to_string());
        let text_ascii = item.raw_text.as_str();
        let name_hit = !stem.is_empty() && {
            // The 告示 writes `加算１15点`: the name's ASCII digit back to full-width.
            let fw: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect();
            name_then_points(text_ascii, &fw, pts) || name_then_points(text_ascii, &stem, pts)
        };
        let tier_hit = item
            .tiers
            .iter()
            .find(|(n, p)| *p == pts && (inner.as_deref() == Some(n.as_str()) || (!stem.is_empty() && *n == stem)));
        // The row's own tier label — the last （…） of its name (`（初診時）`), or what follows it
        // (`（訪問診療時）イ` → `イ`) — followed by its points in the 告示 text
        // (`１初診時17点`, `２再診時等４点`, `イ同一建物居住者等以外の場合79点`).
        let label_hit = {
            let fw_pts: String = pts
                .to_string()
                .chars()
                .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
                .collect();
            let (last, suffix) = match name.rsplit_once('（') {
                Some((_, r)) => match r.split_once('）') {
                    Some((l, sfx)) => (l.to_string(), sfx.to_string()),
                    None => (String::new(), String::new()),
                },
                None => (String::new(), String::new()),
            };
            let followed = |label: &str, within: usize| {
                !label.is_empty()
                    && text_ascii.match_indices(label).any(|(i, _)| {
                        let after: String = text_ascii[i + label.len()..].chars().take(within).collect();
                        [format!("{pts}点"), format!("{fw_pts}点")].iter().any(|p| {
                            after.find(p.as_str()).is_some_and(|k| {
                                // the points are the first number after the label
                                !after[..k]
                                    .chars()
                                    .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
                            })
                        })
                    })
            };
            if suffix.is_empty() {
                followed(&last, last.chars().count() + 8)
            } else {
                followed(&suffix, 24)
            }
        };
        let note_points: Option<Vec<u32>> = note
            .as_ref()
            .and_then(|n| item.notes.get(n))
            .map(|t| point_tokens(t).into_iter().map(|(_, p)| p).collect());
        if name_hit {
            checked.push(format!(
                "{label}: {kubun} (区分 from the {by}): `{stem}` {pts}点 in the 告示 text"
            ));
        } else if label_hit {
            checked.push(format!(
                "{label}: {kubun} (区分 from the {by}): the row's tier label then {pts}点 in the 告示 text"
            ));
        } else if let Some((n, _)) = tier_hit {
            checked.push(format!("{label}: {kubun} (区分 from the {by}): tier `{n}` {pts}点"));
        } else if let Some(np) = note_points.as_ref().filter(|p| !p.is_empty()) {
            let n = note.as_deref().unwrap_or("");
            if np.contains(&pts) {
                checked.push(format!(
                    "{label}: {kubun}{n} (区分 from the {by}, 注 from the source): {pts}点 in the 注's text"
                ));
            } else {
                disagree.push(format!("{label}: {kubun}{n}: {pts}点, the 注's text has {np:?}"));
            }
        } else if item.points == Some(pts) {
            let why = match &note {
                Some(n) if item.notes.contains_key(n) => format!("{n} has no points of its own; "),
                Some(n) => format!("{n} not in the YAML; "),
                None => String::new(),
            };
            checked.push(format!(
                "{label}: {kubun} (区分 from the {by}): {why}the 区分's points {pts}"
            ));
        } else {
            disagree.push(format!(
                "{label}: {kubun}{}: {pts}点 found neither by name, nor in the 注, nor as the 区分's points ({:?}) or a tier's",
                note.as_deref().unwrap_or(""),
                item.points
            ));
        }
    }
    eprintln!("supplement rows checked against the R8 告示 ({}):", checked.len());
    for c in &checked {
        eprintln!("  ok    {c}");
    }
    eprintln!("not checked ({}):", unchecked.len());
    for u in &unchecked {
        eprintln!("  --    {u}");
    }
    eprintln!("disagreeing ({}):", disagree.len());
    for d in &disagree {
        eprintln!("  FAIL  {d}");
    }
    assert_eq!(
        checked.len() + unchecked.len() + disagree.len(),
        rows.len(),
        "every supplement row is checked, listed as unchecked with a reason, or disagrees"
    );
    assert!(rows.len() >= 43, "the supplement has its 43 rows ({} read)", rows.len());
    assert!(
        disagree.is_empty(),
        "supplement rows disagree with the R8 告示: {disagree:#?}"
    );
}

#[test]
fn point_tokens_read_the_kokuji_digits() {
    // 加算２ then ９点; 加算１ then 15点; 291点.
    let t = "ロ加算２９点\nイ加算１15点\n初診料291点";
    let got: Vec<u32> = point_tokens(t).into_iter().map(|(_, p)| p).collect();
    assert_eq!(got, vec![9, 15, 291]);
    assert!(name_then_points(t, "加算１", 15));
    assert!(!name_then_points(t, "加算１", 5));
    assert_eq!(
        kubun_of_source("R8告示 A001注3 (x)"),
        (Some("A001".into()), Some("注3".into()))
    );
    assert_eq!(
        kubun_of_source("R8告示 第14部 第2節 O100 物価"),
        (Some("O100".into()), None)
    );
}

/// The name of `code` in the embedded default set (its newest version), for sparse rows.
fn official_name(code: &str) -> String {
    static SET: std::sync::OnceLock<Option<masters::MasterSet>> = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| masters::load_default().ok());
    let Some(set) = set.as_ref() else {
        return String::new();
    };
    let Some(c) = masters::Code::parse(code) else {
        return String::new();
    };
    set.s
        .history(c)
        .last()
        .map(|v| v.row.name.to_string())
        .unwrap_or_default()
}

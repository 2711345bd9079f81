//! `santei masters info|show|validate`.

use chrono::NaiveDate;
use clap::Subcommand;
use masters::{AnyVersion, Code, MasterSet};
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum MastersCmd {
    /// The files in use (kind, date, rows, sha256) and counts per kind.
    Info {
        #[arg(long)]
        masters: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The version of CODE valid on a date, with all typed fields.
    Show {
        code: String,
        /// Service date YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Print every version.
        #[arg(long)]
        history: bool,
        #[arg(long)]
        masters: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Check every file under DIR; print every problem as file:line:column (at most 100 errors
    /// per file, then a count of the rest). Exit 1 when there is an error, including a folder
    /// with no 医科診療行為マスター (s full file).
    Validate { dir: PathBuf },
    /// Per 部 of 第2章 (and 第1章 第1部): how many 医科診療行為 rows valid on the date a rule family
    /// decides, the engine prices from the row alone, or does not handle (with the reason).
    Coverage {
        /// Date YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        masters: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: MastersCmd) -> i32 {
    match cmd {
        MastersCmd::Info { masters, json } => match super::load_masters(&masters) {
            Ok(set) => {
                info(&set, json);
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        },
        MastersCmd::Show {
            code,
            date,
            history,
            masters,
            json,
        } => show(&code, date.as_deref(), history, &masters, json),
        MastersCmd::Coverage { date, masters, json } => {
            let date = match date.as_deref() {
                Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    Ok(d) => d,
                    Err(_) => {
                        eprintln!("error: --date `{d}` is not YYYY-MM-DD");
                        return 2;
                    }
                },
                None => chrono::Local::now().date_naive(),
            };
            match super::load_masters(&masters) {
                Ok(set) => {
                    let r = engine::coverage::report(&set, date);
                    if json {
                        println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
                    } else {
                        println!("master set: {}\n", set.origin);
                        print!("{}", r.markdown());
                    }
                    0
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    2
                }
            }
        }
        MastersCmd::Validate { dir } => match masters::validate_dir(&dir) {
            Ok(problems) => {
                let (lines, errors, warnings) = validate_report(&problems);
                for l in &lines {
                    println!("{l}");
                }
                eprintln!("{errors} error(s), {warnings} warning(s)");
                if errors > 0 {
                    1
                } else {
                    0
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        },
    }
}

/// What `masters validate` prints: one line per problem, and its error and warning totals. At
/// most 100 errors of a file come from the library (masters::error::MAX_ERRORS_PER_FILE); the
/// rest arrive as one count, printed as `… and N more errors in FILE` and added to the total.
fn validate_report(problems: &[masters::Problem]) -> (Vec<String>, u64, u64) {
    let (mut errors, mut warnings) = (0u64, 0u64);
    let mut lines = Vec::with_capacity(problems.len());
    for p in problems {
        match (&*p.error.kind, p.severity) {
            (masters::ErrorKind::MoreErrors { count }, _) => {
                errors += count;
                lines.push(format!("… and {count} more errors in {}", p.error.loc.file));
            }
            (_, masters::Severity::Error) => {
                errors += 1;
                lines.push(p.to_string());
            }
            (_, masters::Severity::Warning) => {
                warnings += 1;
                lines.push(p.to_string());
            }
        }
    }
    (lines, errors, warnings)
}

/// Per revision santei knows: whether the set's official s master covers it (`REVISION_NOT_COVERED`).
fn revisions(set: &MasterSet) -> Vec<(chrono::NaiveDate, &'static str, bool)> {
    let cov = engine::rules::revision::Coverage::of(set);
    engine::rules::revision::REVISIONS
        .iter()
        .map(|(d, name)| (*d, *name, cov.not_covered(*d).is_none()))
        .collect()
}

fn info(set: &MasterSet, json: bool) {
    let revs = revisions(set);
    if json {
        let v = json!({
            "origin": set.origin,
            "revisions": revs.iter().map(|(d, name, covered)| json!({"date": d, "name": name, "covered": covered})).collect::<Vec<_>>(),
            "files": set.files,
            "not_used": set.not_used,
            "counts": masters::Kind::ALL.iter().map(|k| {
                let (codes, versions) = match k {
                    masters::Kind::S => (set.s.len(), set.s.version_count()),
                    masters::Kind::Y => (set.y.len(), set.y.version_count()),
                    masters::Kind::T => (set.t.len(), set.t.version_count()),
                    masters::Kind::C => (set.c.len(), set.c.version_count()),
                };
                json!({"kind": k.letter().to_string(), "name": k.name_ja(), "codes": codes, "versions": versions})
            }).collect::<Vec<_>>(),
            "supplement_in_effect": set.supplement_files().next().is_some(),
            "tensuhyo": {
                "files": set.tensuhyo.files.iter().map(|f| json!({"table": f.table.id(), "path": f.path, "rows": f.rows, "sha256": f.sha256, "layer": format!("{:?}", f.layer)})).collect::<Vec<_>>(),
                "missing": set.tensuhyo.missing,
            },
            "warnings": set.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    println!("master set: {}", set.origin);
    for (d, name, covered) in &revs {
        if !covered {
            println!(
                "REVISION_NOT_COVERED: {name}: no official 医科診療行為マスター row is valid from {d}; claims dated from {d} get the older master's points (the supplement aside)"
            );
        }
    }
    println!(
        "{:<5} {:<6} {:<10} {:>7} {:<64}  file",
        "kind", "role", "published", "rows", "sha256"
    );
    for f in &set.files {
        let role = match (f.layer, f.role) {
            (masters::Layer::Supplement, _) => "suppl",
            (_, masters::Role::Full) => "full",
            (_, masters::Role::Delta) => "delta",
        };
        println!(
            "{:<5} {:<6} {:<10} {:>7} {}  {}",
            f.kind.letter(),
            role,
            f.published,
            f.rows,
            f.sha256,
            f.path
        );
    }
    println!();
    for (k, codes, versions) in [
        (masters::Kind::S, set.s.len(), set.s.version_count()),
        (masters::Kind::Y, set.y.len(), set.y.version_count()),
        (masters::Kind::T, set.t.len(), set.t.version_count()),
        (masters::Kind::C, set.c.len(), set.c.version_count()),
    ] {
        println!("{} {}: {} codes, {} versions", k.letter(), k.name_ja(), codes, versions);
    }
    println!("\n電子点数表:");
    for f in &set.tensuhyo.files {
        println!(
            "  {:<5} {:?} {:>7} rows  {}  {}",
            f.table.id(),
            f.layer,
            f.rows,
            f.sha256,
            f.path
        );
    }
    for m in &set.tensuhyo.missing {
        println!("  missing: {m} (its rules are not applied from data; see ARCHITECTURE.md)");
    }
    if let Some(f) = set.supplement_files().next() {
        println!(
            "supplement in effect: {} (rows published in the 告示, layered under the official files)",
            f.path
        );
    }
    if !set.not_used.is_empty() {
        println!("\nnot used ({}):", set.not_used.len());
        for n in &set.not_used {
            println!("  {}: {}", n.path, n.reason);
        }
    }
    if !set.warnings.is_empty() {
        println!("\nwarnings ({}):", set.warnings.len());
        for w in set.warnings.iter().take(50) {
            println!("  {w}");
        }
        if set.warnings.len() > 50 {
            println!("  … {} more", set.warnings.len() - 50);
        }
    }
}

/// JSON of one version: the fixed fields first, then every column typed by its table.
pub fn version_json(set: &MasterSet, v: AnyVersion<'_>) -> Value {
    let origin = set.file(v.origin());
    let mut obj = serde_json::Map::new();
    let raw = v.raw();
    let code = match v {
        AnyVersion::C(c) => c.row.code.to_string(),
        _ => raw.col(3).to_string(),
    };
    obj.insert("code".into(), json!(code));
    obj.insert("kind".into(), json!(v.kind().letter().to_string()));
    obj.insert("name".into(), json!(v.name()));
    match v {
        AnyVersion::S(s) => {
            // An integral number of points prints as a JSON integer; otherwise (a percentage or
            // yen kind with decimals) as the exact decimal text.
            let p = s.row.points.normalize();
            let v = if p.fract().is_zero() {
                p.to_string()
                    .parse::<i64>()
                    .map(|n| json!(n))
                    .unwrap_or_else(|_| json!(p.to_string()))
            } else {
                json!(p.to_string())
            };
            obj.insert("points".into(), v);
            obj.insert("point_kind".into(), json!(s.row.point_kind));
        }
        AnyVersion::Y(y) => {
            obj.insert("price".into(), json!(y.row.price.to_string()));
        }
        AnyVersion::T(t) => {
            obj.insert("price".into(), json!(t.row.price.to_string()));
        }
        AnyVersion::C(_) => {}
    }
    obj.insert("valid_from".into(), json!(v.valid_from().to_string()));
    obj.insert(
        "valid_to".into(),
        if v.valid_to() == masters::OPEN_END {
            Value::Null
        } else {
            json!(v.valid_to().to_string())
        },
    );
    obj.insert("file".into(), json!(origin.name));
    obj.insert("path".into(), json!(origin.path));
    obj.insert("line".into(), json!(v.origin().line));
    obj.insert(
        "patched_by".into(),
        json!(v
            .patches()
            .iter()
            .map(|p| format!("{}:{}", set.file(*p).name, p.line))
            .collect::<Vec<_>>()),
    );
    let typed = match v {
        AnyVersion::S(s) => serde_json::to_value(&s.row),
        AnyVersion::Y(y) => serde_json::to_value(&y.row),
        AnyVersion::T(t) => serde_json::to_value(&t.row),
        AnyVersion::C(c) => serde_json::to_value(&c.row),
    };
    obj.insert("typed".into(), typed.unwrap_or(Value::Null));
    let cols: serde_json::Map<String, Value> = v
        .kind()
        .columns()
        .iter()
        .take(raw.len())
        .filter(|c| c.ty != masters::columns::ColType::Reserved)
        .map(|c| {
            (
                format!("{:03} {}", c.num, c.ident),
                json!({"name": c.name, "value": raw.col(c.num as usize)}),
            )
        })
        .collect();
    obj.insert("columns".into(), Value::Object(cols));
    Value::Object(obj)
}

fn show(code: &str, date: Option<&str>, history: bool, dir: &Option<PathBuf>, json_out: bool) -> i32 {
    let Some(code) = Code::parse(code) else {
        eprintln!("error: `{code}` is not a 9-digit master code");
        return 2;
    };
    let date = match date {
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                eprintln!("error: --date `{d}` is not YYYY-MM-DD");
                return 2;
            }
        },
        None => chrono::Local::now().date_naive(),
    };
    let set = match super::load_masters(dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let versions = set.history_any(code);
    if history {
        if versions.is_empty() {
            eprintln!("{code}: no version in {}", set.origin);
            return 1;
        }
        if json_out {
            let all: Vec<Value> = versions.iter().map(|v| version_json(&set, *v)).collect();
            println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        } else {
            for v in &versions {
                print_version(&set, *v);
                println!();
            }
        }
        return 0;
    }
    match set.lookup_any(code, date) {
        Some(v) => {
            if json_out {
                let mut j = version_json(&set, v);
                j["tensuhyo"] = tensuhyo_json(&set, code, date);
                println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
            } else {
                print_version(&set, v);
                print_tensuhyo(&set, code, date);
            }
            0
        }
        None => {
            eprintln!("{code}: no version valid on {date} in {}", set.origin);
            if versions.is_empty() {
                if let Some(w) = set.withdrawn.get(&code) {
                    eprintln!("  withdrawn (抹消) by {}:{}", set.file(*w).name, w.line);
                } else {
                    eprintln!("  the code has no version at all");
                }
            } else {
                eprintln!("  versions that exist:");
                for v in &versions {
                    eprintln!("  {} … {}  {}", v.valid_from(), fmt_to(v.valid_to()), v.name());
                }
            }
            1
        }
    }
}

fn fmt_to(d: NaiveDate) -> String {
    if d == masters::OPEN_END {
        "(open)".into()
    } else {
        d.to_string()
    }
}

fn print_version(set: &MasterSet, v: AnyVersion<'_>) {
    let origin = set.file(v.origin());
    println!("{} [{}] {}", v.raw().col(3), v.kind().name_ja(), v.name());
    match v {
        AnyVersion::S(s) => println!("  点数: {} ({:?})", s.row.points.normalize(), s.row.point_kind),
        AnyVersion::Y(y) => println!("  薬価: {} 円/{}", y.row.price, y.row.unit_name),
        AnyVersion::T(t) => println!("  金額: {} 円/{}", t.row.price, t.row.unit_name),
        AnyVersion::C(_) => {}
    }
    println!("  valid: {} … {}", v.valid_from(), fmt_to(v.valid_to()));
    println!(
        "  from: {}:{} (sha256 {})",
        origin.path,
        v.origin().line,
        &origin.sha256[..16]
    );
    for p in v.patches() {
        println!("  patched by: {}:{}", set.file(*p).path, p.line);
    }
    let raw = v.raw();
    for c in v.kind().columns().iter().take(raw.len()) {
        if c.ty == masters::columns::ColType::Reserved {
            continue;
        }
        let val = raw.col(c.num as usize);
        if val.is_empty() || val == "0" || val == "00" || val == "000" {
            continue;
        }
        println!("  {:>3} {}: {}", c.num, c.name, val);
    }
}

/// The 電子点数表 rows that name `code` on `date`: 包括, 背反 partners, 算定回数.
fn tensuhyo_json(set: &MasterSet, code: Code, date: NaiveDate) -> Value {
    let t = &set.tensuhyo;
    let hokatsu: Vec<Value> = t
        .hokatsu_for_on(code, date)
        .map(|h| json!({"role": "parent", "unit": format!("{:?}", h.unit), "child": h.child.code.to_string(), "child_name": h.child.name(), "at": t.locate(h.child.meta.at)}))
        .chain(t.hokatsu_containing(code).filter(|r| r.covers(date)).map(|r| json!({"role": "child", "group": format!("{:?}", r.group), "at": t.locate(r.meta.at)})))
        .collect();
    let haihan: Vec<Value> = t
        .haihan_pairs_on(code, date)
        .map(|r| {
            json!({
                "scope": r.scope.name_ja(),
                "code1": r.code1.to_string(), "name1": r.name1(),
                "code2": r.code2.to_string(), "name2": r.name2(),
                "kubun": format!("{:?}", r.kubun),
                "kept": r.kept().map(|c| c.to_string()),
                "special": format!("{:?}", r.special),
                "at": t.locate(r.meta.at),
            })
        })
        .collect();
    let kaisu: Vec<Value> = t
        .santei_kaisu_on(code, date)
        .map(|r| json!({"unit": r.unit.name_ja(), "unit_code": r.unit.code(), "max": r.max_count, "special": format!("{:?}", r.special), "at": t.locate(r.meta.at)}))
        .collect();
    json!({"hokatsu": hokatsu, "haihan": haihan, "kaisu": kaisu, "missing_tables": t.missing})
}

fn print_tensuhyo(set: &MasterSet, code: Code, date: NaiveDate) {
    let j = tensuhyo_json(set, code, date);
    let empty = vec![];
    let list = |k: &str| j[k].as_array().unwrap_or(&empty).clone();
    let (h, b, k) = (list("hokatsu"), list("haihan"), list("kaisu"));
    if h.is_empty() && b.is_empty() && k.is_empty() {
        println!("  電子点数表: no rows name this code on {date}");
    }
    for r in k {
        println!(
            "  算定回数: {} {} 回 (特例 {}) [{}]",
            r["unit"].as_str().unwrap_or(""),
            r["max"],
            r["special"].as_str().unwrap_or(""),
            r["at"].as_str().unwrap_or("")
        );
    }
    for r in h {
        println!("  包括: {r}");
    }
    let n = b.len();
    for r in b.iter().take(40) {
        println!(
            "  背反 ({}): {} {} ⟷ {} {} 区分 {} kept {} [{}]",
            r["scope"].as_str().unwrap_or(""),
            r["code1"].as_str().unwrap_or(""),
            r["name1"].as_str().unwrap_or(""),
            r["code2"].as_str().unwrap_or(""),
            r["name2"].as_str().unwrap_or(""),
            r["kubun"].as_str().unwrap_or(""),
            r["kept"].as_str().unwrap_or("either"),
            r["at"].as_str().unwrap_or("")
        );
    }
    if n > 40 {
        println!("  … {} more 背反 rows (use --json)", n - 40);
    }
    for m in &set.tensuhyo.missing {
        println!("  (table missing from this set: {m})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("santei-validate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// A folder without a 医科診療行為マスター: `masters validate` exits 1 naming it, and every
    /// command that loads it (`masters info` here) exits 2.
    #[test]
    fn validate_fails_on_a_folder_without_an_s_master() {
        let dir = temp_dir("no-s");
        std::fs::write(dir.join("notes.txt"), "not a master").unwrap();
        let problems = masters::validate_dir(&dir).unwrap();
        let (lines, errors, _) = validate_report(&problems);
        let code = run(MastersCmd::Validate { dir: dir.clone() });
        let info = run(MastersCmd::Info {
            masters: Some(dir.clone()),
            json: false,
        });
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!((code, info, errors), (1, 2, 1));
        let want = format!("{}:0:0: no usable 医科診療行為マスター (s) in this set", dir.display());
        assert!(lines.iter().any(|l| l.starts_with(&want)), "{lines:#?}");
    }

    /// 250 errors in one file: 100 lines, then `… and 150 more errors in FILE`; the total counts
    /// all 250.
    #[test]
    fn validate_prints_100_errors_of_a_file_and_counts_the_rest() {
        let mut problems: Vec<masters::Problem> = (1..=100)
            .map(|line| masters::Problem {
                severity: masters::Severity::Error,
                error: masters::Error::new("s_20240601.csv", line, 3, None, masters::ErrorKind::Missing),
            })
            .collect();
        problems.push(masters::Problem {
            severity: masters::Severity::Error,
            error: masters::Error::file("s_20240601.csv", masters::ErrorKind::MoreErrors { count: 150 }),
        });
        problems.push(masters::Problem {
            severity: masters::Severity::Warning,
            error: masters::Error::file("dir", masters::ErrorKind::Other("no c file".into())),
        });
        let (lines, errors, warnings) = validate_report(&problems);
        assert_eq!((lines.len(), errors, warnings), (102, 250, 1));
        assert_eq!(lines[99], "s_20240601.csv:100:3: a required field is empty");
        assert_eq!(lines[100], "… and 150 more errors in s_20240601.csv");
    }

    /// Through the library on a real folder: 400 bad rows print 100 lines and the count.
    #[test]
    fn validate_bounds_the_lines_of_a_bad_file() {
        let dir = temp_dir("many");
        let seed = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/masters/tests/fixtures/invalid/seed/s_ALL20240601.csv"
        ))
        .unwrap();
        let mut bad = Vec::new();
        for _ in 0..400 {
            bad.extend_from_slice(b"\"0\",\"S\",\"1\"\r\n");
        }
        std::fs::write(dir.join("s_ALL20240601.csv"), &seed).unwrap();
        std::fs::write(dir.join("s_20240701.csv"), &bad).unwrap();
        let problems = masters::validate_dir(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let (lines, errors, _) = validate_report(&problems);
        let bad_lines: Vec<&String> = lines.iter().filter(|l| l.contains("s_20240701.csv")).collect();
        assert_eq!(bad_lines.len(), 101);
        assert_eq!(bad_lines[0], "s_20240701.csv:1:0: 3 columns; this master has 150");
        assert_eq!(bad_lines[100], "… and 300 more errors in s_20240701.csv");
        assert_eq!(errors, 400);
    }
}

//! The 電子点数表 override layer as the engine sees it: a vendor file in the official layout,
//! `override_03-2背反テーブル2.csv`, switches off one 背反 pair (both directions) with 変更区分 1, and
//! the pair that the official table removes is then billed; with the official table alone, the
//! removal names the official file and line.
//!
//! Pair: 03-2背反テーブル2.csv:459 (113001810 特定疾患療養管理料（診療所） ⟷ 113000310 ウイルス疾患指導料１,
//! 同一月内, 背反区分 3) and its mirror at line 213.

use crate::golden::{data_dir, skip_loudly};
use engine::{Engine, Options};
use std::path::Path;
use std::sync::Arc;

const CLAIM: &str = r#"{"facility":{"kind":"clinic","hours":[{"weekdays":[1,2,3,4,5],"open":"09:00","close":"18:00"}]},
 "patient":{"birth_date":"1960-04-01","tokutei_shikkan":true},
 "visits":[
  {"date":"2024-07-02","time":"10:00","kind":"revisit","items":[{"code":"113001810"}]},
  {"date":"2024-07-16","time":"10:00","kind":"revisit","items":[{"code":"113000310"}]}]}"#;

fn link_all(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).expect("read data dir") {
        let p = e.expect("entry").path();
        if p.is_file() {
            std::os::unix::fs::symlink(&p, to.join(p.file_name().unwrap())).expect("symlink");
        }
    }
}

fn outcome(dir: &Path) -> engine::Outcome {
    let set = masters::load_dir(dir).expect("masters");
    Engine::new(Arc::new(set))
        .calculate_json(CLAIM.as_bytes(), Options { trace: true })
        .expect("claim")
}

#[test]
fn override_switches_off_a_haihan_pair() {
    let data = data_dir();
    if !data.is_dir() {
        skip_loudly("tensuhyo_engine::override_switches_off_a_haihan_pair");
        return;
    }
    let tmp = std::env::temp_dir().join(format!("santei-override-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    link_all(&data.join("ssk/2024-06"), &tmp);
    link_all(&data.join("tensuhyo/2024"), &tmp);

    // Official table only: ウイルス疾患指導料１ (billed second) is removed, citing line 459 or 213.
    let official = outcome(&tmp);
    let removed: Vec<String> = official.removed.iter().map(|r| r.code.to_string()).collect();
    assert_eq!(removed, ["113000310"]);
    let why = official.removed[0].reason.detail.as_deref().unwrap_or("");
    assert!(
        why.contains("03-2背反テーブル2.csv:") && why.contains("(official)"),
        "{why}"
    );
    // 再診料 75 × 2 + 特定疾患療養管理料 225 = 375.
    assert_eq!(official.total_points, 375);

    // The override: the two official rows with 変更区分 1 (抹消) = switch off.
    let bytes = std::fs::read(data.join("tensuhyo/2024/03-2背反テーブル2.csv")).unwrap();
    let mut out = Vec::new();
    for (n, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        if n + 1 == 459 || n + 1 == 213 {
            assert!(line.starts_with(b"\"0\","));
            out.extend_from_slice(b"\"1\",");
            out.extend_from_slice(&line[4..]);
        }
    }
    std::fs::write(tmp.join("override_03-2背反テーブル2.csv"), &out).unwrap();
    let overridden = outcome(&tmp);
    assert!(overridden.removed.is_empty(), "{:?}", overridden.removed);
    let billed: Vec<String> = overridden.lines.iter().map(|l| l.code.to_string()).collect();
    assert!(billed.iter().any(|c| c == "113000310"), "{billed:?}");
    let extra = overridden.lines.iter().find(|l| l.code == "113000310").unwrap();
    assert_eq!(overridden.total_points, 375 + extra.points * extra.count as i64);
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The 特定疾患療養管理料 limit is the 05 row (113001810 「月」 2 — 05算定回数テーブル.csv), not a
/// number in code: three visits in July bill two and remove the third naming the 05 row; the same
/// claim on a set without the 05 table bills all three (and says the table is missing).
#[test]
fn b000_limit_comes_from_the_05_table() {
    let data = data_dir();
    if !data.is_dir() {
        skip_loudly("tensuhyo_engine::b000_limit_comes_from_the_05_table");
        return;
    }
    const THREE: &str = r#"{"facility":{"kind":"clinic"},
     "patient":{"birth_date":"1960-04-01","tokutei_shikkan":true},
     "visits":[
      {"date":"2024-07-02","time":"10:00","kind":"revisit","items":[{"code":"113001810"}]},
      {"date":"2024-07-16","time":"10:00","kind":"revisit","items":[{"code":"113001810"}]},
      {"date":"2024-07-30","time":"10:00","kind":"revisit","items":[{"code":"113001810"}]}]}"#;
    let run = |dir: &Path| {
        let set = masters::load_dir(dir).expect("masters");
        Engine::new(Arc::new(set))
            .calculate_json(THREE.as_bytes(), Options { trace: true })
            .expect("claim")
    };
    let tmp = std::env::temp_dir().join(format!("santei-no05-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    link_all(&data.join("ssk/2024-06"), &tmp);
    link_all(&data.join("tensuhyo/2024"), &tmp);
    let with = run(&tmp);
    assert_eq!(with.lines.iter().filter(|l| l.code == "113001810").count(), 2);
    let r: Vec<_> = with.removed.iter().filter(|r| r.code == "113001810").collect();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].date.to_string(), "2024-07-30");
    assert!(
        r[0].reason
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("05算定回数テーブル.csv:"),
        "{:?}",
        r[0].reason
    );
    std::fs::remove_file(tmp.join("05算定回数テーブル.csv")).unwrap();
    let without = run(&tmp);
    assert_eq!(without.lines.iter().filter(|l| l.code == "113001810").count(), 3);
    assert!(without
        .diagnostics
        .iter()
        .any(|d| d.code == "TENSUHYO_MISSING" && d.message.contains("05")));
    std::fs::remove_dir_all(&tmp).unwrap();
}

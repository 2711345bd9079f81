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

//! 外来・在宅物価対応料 (R8告示 O100 1, `shared/reference/text/r8/ika-kokuji.txt` p.389) and
//! 外来・在宅ベースアップ評価料（Ⅰ） (R6告示 O100; R8告示 O001, p.374): every expected number is
//! worked out from the 告示 in the comment of its test.
//!
//! Full-data tests read `SANTEI_DATA` or `<workspace>/../shared/data` and print SKIP when absent;
//! the 物価対応料 tests that only need 初診料/再診料 rows also run on the embedded default set.

use engine::{Engine, Outcome};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

fn data_dir() -> PathBuf {
    std::env::var_os("SANTEI_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"))
}

fn full() -> Option<&'static Engine> {
    static E: OnceLock<Option<Engine>> = OnceLock::new();
    E.get_or_init(|| {
        let dir = data_dir();
        if !dir.exists() {
            eprintln!(
                "SKIP bukka_baseup: no master data at {} (set SANTEI_DATA)",
                dir.display()
            );
            return None;
        }
        let set = masters::load_dir(&dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()));
        Some(Engine::new(Arc::new(set)))
    })
    .as_ref()
}

fn default_set() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(Arc::new(masters::load_default().expect("default set"))))
}

macro_rules! eng {
    () => {
        match full() {
            Some(e) => e,
            None => {
                eprintln!("SKIP: master data absent");
                return;
            }
        }
    };
}

fn calc(e: &Engine, claim: Value) -> Outcome {
    let bytes = serde_json::to_vec(&claim).unwrap();
    e.calculate_json(&bytes, engine::Options { trace: true })
        .unwrap_or_else(|err| panic!("claim error: {err}"))
}

fn claim(standards: Value, visits: Value) -> Value {
    json!({
        "facility": {"kind": "clinic", "beds": 0,
            "hours": [{"weekdays": [1,2,3,4,5], "open": "09:00", "close": "18:00"}],
            "standards": standards, "capabilities": []},
        "patient": {"birth_date": "1970-04-01", "sex": "female"},
        "visits": visits
    })
}

fn baseup_std() -> Value {
    json!([{"name": "外来・在宅ベースアップ評価料（Ⅰ）", "from": "2024-06-01"}])
}

fn lines(o: &Outcome) -> Vec<(String, i64, String)> {
    o.lines
        .iter()
        .map(|l| (l.code.to_string(), l.points, l.reason.rule.to_string()))
        .collect()
}

fn has(o: &Outcome, code: &str, points: i64) -> bool {
    o.lines
        .iter()
        .any(|l| l.code.0 == code.parse::<u32>().unwrap() && l.points == points)
}

/// An R8-like set: the embedded official excerpt plus the supplement as an official 変更ファイル in
/// which the 新規 rows of `map` carry other codes (so the fixed codes do not exist); `n` rows must
/// have been renumbered.
fn renumbered_set(map: &[(&str, &str)], n: usize) -> Engine {
    let supp: &[u8] = masters::embedded::SUPPLEMENT_FILES[0].1;
    let mut out: Vec<u8> = Vec::new();
    let mut renumbered = 0;
    for line in supp.split(|&b| b == b'\n') {
        let mut line = line.to_vec();
        for (old, new) in map {
            let pat = format!("\"3\",\"S\",\"{old}\"");
            if line.starts_with(pat.as_bytes()) {
                line.splice(9..18, new.bytes());
                renumbered += 1;
            }
        }
        if !line.is_empty() {
            out.extend_from_slice(&line);
            out.push(b'\n');
        }
    }
    assert_eq!(renumbered, n, "rows of the supplement renumbered");
    let mut sources = masters::embedded::default_sources();
    sources.push(masters::Source {
        path: "r8like/s_20260310.csv".into(),
        bytes: out,
        layer: masters::Layer::Official,
    });
    Engine::new(Arc::new(masters::load_sources("r8like", sources).expect("R8-like set")))
}

/// 2026-07-01 (Wed) 初診 at a clinic, no 届出: 初診料 291 (R8告示 A000, unchanged) + 外来・在宅物価対応料
/// イ 初診時 2 (O100 1イ; no 施設基準) = 293. Default set and full data alike.
#[test]
fn shoshin_2026_07_bukka_default_set() {
    let c = claim(
        json!([]),
        json!([{"date": "2026-07-01", "time": "10:00", "kind": "first"}]),
    );
    for e in [Some(default_set()), full()].into_iter().flatten() {
        let o = calc(e, c.clone());
        assert!(has(&o, "111000110", 291), "{:?}", lines(&o));
        assert!(has(&o, "180819910", 2), "{:?}", lines(&o));
        assert_eq!(o.total_points, 293, "{:?}", lines(&o));
        let l = o.lines.iter().find(|l| l.code.0 == 180819910).unwrap();
        assert_eq!(l.reason.rule, "O100-bukka");
        assert!(l.reason.detail.as_deref().unwrap().contains("found by meaning"));
    }
}

/// 2026-05-29: before R8 no 物価対応料 — 初診料 291 alone.
#[test]
fn no_bukka_before_2026_06() {
    let o = calc(
        default_set(),
        claim(
            json!([]),
            json!([{"date": "2026-05-29", "time": "10:00", "kind": "first"}]),
        ),
    );
    assert_eq!(o.total_points, 291, "{:?}", lines(&o));
}

/// 2026-07-01 初診 with the ベースアップ評価料（Ⅰ） 届出: 初診料 291 + 物価対応料 イ 2 + ベースアップ評価料（Ⅰ）
/// 1 初診時 17 (R8告示 O001 1) = 310.
#[test]
fn shoshin_2026_07_bukka_and_baseup() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            baseup_std(),
            json!([{"date": "2026-07-01", "time": "10:00", "kind": "first"}]),
        ),
    );
    assert!(has(&o, "180819910", 2), "{:?}", lines(&o));
    assert!(has(&o, "180725710", 17), "{:?}", lines(&o));
    assert_eq!(o.total_points, 291 + 2 + 17, "{:?}", lines(&o));
}

/// 2026-07-02 再診 with the 届出: 再診料 76 (R8告示 A001) + 時間外対応体制加算 — none (no 届出) + 物価対応料
/// ロ 2 + ベースアップ評価料（Ⅰ） 2 再診時等 4 = 82.
#[test]
fn saishin_2026_07_bukka_and_baseup() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            baseup_std(),
            json!([{"date": "2026-07-02", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert!(has(&o, "112007410", 76), "{:?}", lines(&o));
    assert!(has(&o, "180820010", 2), "{:?}", lines(&o));
    assert!(has(&o, "180725810", 4), "{:?}", lines(&o));
    assert_eq!(o.total_points, 76 + 2 + 4, "{:?}", lines(&o));
}

/// 2024-07-01 再診 with the R6 届出: 再診料 75 (R6告示 A001) + ベースアップ評価料（Ⅰ） 2 再診時等 2 (R6告示
/// O100 2) = 77; no 物価対応料 before 2026-06. Without the 届出: 75.
#[test]
fn saishin_2024_07_baseup_r6() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            baseup_std(),
            json!([{"date": "2024-07-01", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert!(has(&o, "180725810", 2), "{:?}", lines(&o));
    assert_eq!(o.total_points, 77, "{:?}", lines(&o));
    let o = calc(
        e,
        claim(
            json!([]),
            json!([{"date": "2024-07-01", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert_eq!(o.total_points, 75, "{:?}", lines(&o));
}

/// 2024-07-01 初診 with the R6 届出: 初診料 291 + ベースアップ評価料（Ⅰ） 1 初診時 6 (R6告示 O100 1) = 297.
#[test]
fn shoshin_2024_07_baseup_r6() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            baseup_std(),
            json!([{"date": "2024-07-01", "time": "10:00", "kind": "first"}]),
        ),
    );
    assert!(has(&o, "180725710", 6), "{:?}", lines(&o));
    assert_eq!(o.total_points, 297, "{:?}", lines(&o));
}

/// 2027-06-01 (Tue) with the 届出: 100分の200 (R8告示 O100注5, O001注6).
/// 初診: 291 + 物価対応料 2 × 2 = 4 + ベースアップ 17 × 2 = 34 → 329.
/// 再診: 76 + 2 × 2 = 4 + 4 × 2 = 8 → 88.
#[test]
fn doubled_from_2027_06() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            baseup_std(),
            json!([{"date": "2027-06-01", "time": "10:00", "kind": "first"}]),
        ),
    );
    assert!(has(&o, "180819910", 4), "{:?}", lines(&o));
    assert!(has(&o, "180725710", 34), "{:?}", lines(&o));
    assert_eq!(o.total_points, 329, "{:?}", lines(&o));
    let l = o.lines.iter().find(|l| l.code.0 == 180819910).unwrap();
    assert_eq!(l.reason.rule, "O100-bukka-200");
    assert!(l.reason.detail.as_deref().unwrap().contains("× 2"));
    let o = calc(
        e,
        claim(
            baseup_std(),
            json!([{"date": "2027-06-02", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert!(has(&o, "180820010", 4), "{:?}", lines(&o));
    assert!(has(&o, "180725810", 8), "{:?}", lines(&o));
    assert_eq!(o.total_points, 88, "{:?}", lines(&o));
    // The day before: 2027-05-31 再診 76 + 2 + 4 = 82.
    let o = calc(
        e,
        claim(
            baseup_std(),
            json!([{"date": "2027-05-31", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert_eq!(o.total_points, 82, "{:?}", lines(&o));
}

/// Two 再診 on 2026-07-02 (同日再診): 再診料 76 + 同日再診料 76, 物価対応料 once (policy): 76 + 76 + 2 = 154.
#[test]
fn once_per_day() {
    let o = calc(
        default_set(),
        claim(
            json!([]),
            json!([
                {"date": "2026-07-02", "time": "10:00", "kind": "revisit"},
                {"date": "2026-07-02", "time": "15:00", "kind": "revisit"}
            ]),
        ),
    );
    let n = o.lines.iter().filter(|l| l.code.0 == 180820010).count();
    assert_eq!(n, 1, "{:?}", lines(&o));
    assert!(o.diagnostics.iter().any(|d| d.code == "PAIRED_ONCE_PER_DAY"));
}

/// A listed 物価対応料 イ on a 再診: the visit gives ロ, so イ is removed and ロ billed: 76 + 2 = 78.
/// A listed ロ on a 再診 is billed as the input line: 78.
#[test]
fn listed_reconciled() {
    let e = default_set();
    let o = calc(
        e,
        claim(
            json!([]),
            json!([{"date": "2026-07-02", "time": "10:00", "kind": "revisit", "items": [{"code": "180819910"}]}]),
        ),
    );
    assert!(o.removed.iter().any(|r| r.code.0 == 180819910), "{:?}", o.removed);
    assert!(has(&o, "180820010", 2));
    assert_eq!(o.total_points, 78);
    let o = calc(
        e,
        claim(
            json!([]),
            json!([{"date": "2026-07-02", "time": "10:00", "kind": "revisit", "items": [{"code": "180820010"}]}]),
        ),
    );
    let l = o.lines.iter().find(|l| l.code.0 == 180820010).unwrap();
    assert_eq!(l.origin, engine::Origin::Input);
    assert_eq!(o.total_points, 78);
}

/// A listed ベースアップ評価料（Ⅰ） without the 届出 is removed (告示 O001注2): 再診 76 + 物価対応料 2 = 78.
#[test]
fn listed_baseup_without_standard_removed() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!([]),
            json!([{"date": "2026-07-02", "time": "10:00", "kind": "revisit", "items": [{"code": "180725810"}]}]),
        ),
    );
    assert!(o.removed.iter().any(|r| r.code.0 == 180725810), "{:?}", o.removed);
    assert_eq!(o.total_points, 78, "{:?}", lines(&o));
}

/// Codes found by meaning: an R8-like s 変更ファイル in the official layout — every row of the
/// supplement, with the three 物価対応料 新規 rows renumbered (180819910 → 180900110, 180820010 →
/// 180900210, 180820110 → 180900310) — loaded over the embedded official excerpt without the
/// supplement, so the fixed codes do not exist: the rules find the renumbered rows by 区分 O100 and
/// name. 初診 2026-07-01: 初診料 291 + 物価対応料 イ 2 on 180900110 = 293; 再診 2026-07-02: 再診料 76
/// (the copied 変更 row) + ロ 2 on 180900210 = 78.
#[test]
fn codes_found_by_meaning_in_renumbered_file() {
    let e = renumbered_set(
        &[
            ("180819910", "180900110"),
            ("180820010", "180900210"),
            ("180820110", "180900310"),
        ],
        3,
    );
    for (date, kind, code, total) in [
        ("2026-07-01", "first", "180900110", 293),
        ("2026-07-02", "revisit", "180900210", 78),
    ] {
        let o = calc(
            &e,
            claim(json!([]), json!([{"date": date, "time": "10:00", "kind": kind}])),
        );
        let l = o
            .lines
            .iter()
            .find(|l| l.name.contains("物価対応料"))
            .unwrap_or_else(|| panic!("{:?}", lines(&o)));
        assert_eq!((l.code.to_string().as_str(), l.points), (code, 2), "{:?}", lines(&o));
        assert!(l.reason.detail.as_deref().unwrap().contains("found by meaning"));
        assert_eq!(o.total_points, total, "{:?}", lines(&o));
    }
}

/// Issue 13 item 5, the DX family: the supplement's 電子的診療情報連携体制整備加算 rows renumbered
/// (111704070 → 111790070, 111704170 → 111790170, 111704270 → 111790270, 112709570 → 112790570),
/// loaded over the embedded official excerpt without the supplement. A 2026-06-01 初診 at a clinic
/// with 届出 4035, rate 40 % in 2026-03 and both capabilities: 初診料 291 + 加算１ 15 (R8告示 A000注16,
/// on the renumbered 111790070) + 物価対応料 イ 2 = 308; its 再診 on 2026-07-01 (rate of 2026-04 given):
/// 再診料 76 + 加算（再診） 2 (A001注19, on 112790570) + 物価対応料 ロ 2 = 80.
#[test]
fn denshi_codes_found_by_meaning_in_renumbered_file() {
    let e = renumbered_set(
        &[
            ("111704070", "111790070"),
            ("111704170", "111790170"),
            ("111704270", "111790270"),
            ("112709570", "112790570"),
        ],
        4,
    );
    for (date, kind, code, points, total) in [
        ("2026-06-01", "first", "111790070", 15, 308),
        ("2026-07-01", "revisit", "112790570", 2, 80),
    ] {
        let c = json!({
            "facility": {"kind": "clinic", "beds": 0,
                "hours": [{"weekdays": [1,2,3,4,5], "open": "09:00", "close": "18:00"}],
                "standards": [{"code": "4035", "from": "2024-06-01"}],
                "capabilities": [{"id": "online_eligibility", "from": "2023-04-01"},
                    {"id": "e_prescription", "from": "2025-01-01"}, {"id": "ehr_sharing", "from": "2025-10-01"}],
                "myna_rates": {"2026-03": 40, "2026-04": 40}},
            "patient": {"birth_date": "1970-04-01", "sex": "female"},
            "visits": [{"date": date, "time": "10:00", "kind": kind, "myna": true}]
        });
        let o = calc(&e, c);
        let l = o
            .lines
            .iter()
            .find(|l| l.name.contains("電子的診療情報連携体制整備加算"))
            .unwrap_or_else(|| panic!("{date}: {:?}", lines(&o)));
        assert_eq!(
            (l.code.to_string().as_str(), l.points),
            (code, points),
            "{:?}",
            lines(&o)
        );
        assert!(
            l.reason.detail.as_deref().unwrap().contains("found by meaning"),
            "{:?}",
            l.reason
        );
        assert_eq!(o.total_points, total, "{:?}", lines(&o));
    }
}

/// 外来・在宅ベースアップ評価料（Ⅱ） (R6告示 O101; R6通知 O101(2)(3), ika-tsuchi.txt p.669): the tier is
/// the 届出 (s_ALL20240531: tier 3 = 施設基準 4310 on 180726510 イ 24点 / 180726610 ロ 3点).
/// 2024-07-01 初診 with (Ⅰ) 4307 and (Ⅱ) 3: 初診料 291 + (Ⅰ) 初診時 6 + (Ⅱ) 3 イ 24 = 321.
/// 再診 the next day (another claim): 再診料 75 + (Ⅰ) 再診時等 2 + (Ⅱ) 3 ロ 3 = 80.
#[test]
fn baseup2_tier_from_the_standard() {
    let e = eng!();
    let stds = json!([{"code": "4307", "from": "2024-06-01"}, {"code": "4310", "from": "2024-06-01"}]);
    let o = calc(
        e,
        claim(
            stds.clone(),
            json!([{"date": "2024-07-01", "time": "10:00", "kind": "first"}]),
        ),
    );
    assert!(has(&o, "180726510", 24), "{:?}", lines(&o));
    assert_eq!(o.total_points, 321, "{:?}", lines(&o));
    let o = calc(
        e,
        claim(
            stds,
            json!([{"date": "2024-07-02", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert!(has(&o, "180726610", 3), "{:?}", lines(&o));
    assert_eq!(o.total_points, 80, "{:?}", lines(&o));
}

/// (Ⅱ) goes only with a (Ⅰ) line (R6通知 O101(2)(3)): the (Ⅱ) 届出 alone gives 再診料 75 and nothing
/// else; a listed (Ⅱ) code is removed.
#[test]
fn baseup2_needs_the_one_line() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!([{"code": "4310", "from": "2024-06-01"}]),
            json!([{"date": "2024-07-02", "time": "10:00", "kind": "revisit", "items": [{"code": "180726610"}]}]),
        ),
    );
    assert_eq!(o.total_points, 75, "{:?}", lines(&o));
    assert!(o.removed.iter().any(|r| r.code.0 == 180726610), "{:?}", o.removed);
}

/// A listed (Ⅱ) code of another tier is removed and the held tier's row is billed: tier 3 held,
/// tier 1 ロ 180726210 listed → 75 + 2 + 3 (180726610) = 80.
#[test]
fn baseup2_listed_other_tier_removed() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!([{"code": "4307", "from": "2024-06-01"}, {"code": "4310", "from": "2024-06-01"}]),
            json!([{"date": "2024-07-02", "time": "10:00", "kind": "revisit", "items": [{"code": "180726210"}]}]),
        ),
    );
    assert!(o.removed.iter().any(|r| r.code.0 == 180726210), "{:?}", o.removed);
    assert!(has(&o, "180726610", 3), "{:?}", lines(&o));
    assert_eq!(o.total_points, 80, "{:?}", lines(&o));
}

/// A re-filed 届出 without `to`: tier 1 (4308) from 2024-06-01 and tier 3 (4310) from 2024-10-01;
/// on 2024-11-01 the latest (tier 3) is taken with a warning: 75 + 2 + 3 = 80.
#[test]
fn baseup2_latest_standard_wins() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!([{"code": "4307", "from": "2024-06-01"}, {"code": "4308", "from": "2024-06-01"},
                   {"code": "4310", "from": "2024-10-01"}]),
            json!([{"date": "2024-11-01", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert!(has(&o, "180726610", 3), "{:?}", lines(&o));
    assert!(o.diagnostics.iter().any(|d| d.code == "BASEUP2_TIERS"));
    assert_eq!(o.total_points, 80, "{:?}", lines(&o));
}

/// R8 dates: 2026-07-01 再診 with (Ⅰ) and (Ⅱ) 3 on the staged set (no R8 O002 rows): 再診料 76 (R8
/// supplement) + 物価対応料 ロ 2 + (Ⅰ) 再診時等 4 (R8告示 O001 2) + (Ⅱ) 3 ロ 3 (R8告示 O002 3 ロ 3点 = the
/// R6 row's points; code carried over L) = 85.
#[test]
fn baseup2_r8_tier_points_carry_over() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!([{"code": "4307", "from": "2024-06-01"}, {"code": "4310", "from": "2024-06-01"}]),
            json!([{"date": "2026-07-01", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert!(has(&o, "180726610", 3), "{:?}", lines(&o));
    assert_eq!(o.total_points, 85, "{:?}", lines(&o));
}

/// R8告示 O001注5 / 注7 (継続して賃上げ; ika-kokuji.txt 第14部 第1節 p.374–375): the staged data has no
/// 注5 row, so an R8-like 変更ファイル adds one — the default set's 180725710 row (初診時, col 129 = 2)
/// as 新規 180799910 at 23点 from 2026-06-01 with its own 施設基準 4999. A facility holding 4307 and
/// 4999: 2026-07-01 初診 = 初診料 291 + 物価対応料 イ 2 + 注5 23 = 316 (the 注5 row replaces 所定点数 17);
/// 2027-06-01 初診 = 291 + 物価対応料 2 × 2 + 注7 40 (not 23 × 2) = 335. Holding only 4307:
/// 291 + 2 + 17 = 310.
#[test]
fn baseup1_chu5_row_of_the_master_and_chu7() {
    let mut sources = masters::embedded::default_sources();
    let s_all = sources
        .iter()
        .find(|s| s.path.contains("s_ALL20240531"))
        .expect("default s_ALL20240531 excerpt");
    let line = s_all
        .bytes
        .split(|&b| b == b'\n')
        .find(|l| l.windows(11).any(|w| w == b"\"180725710\""))
        .expect("180725710 in the default set")
        .to_vec();
    let line = line.strip_suffix(b"\r").unwrap_or(&line).to_vec();
    // Split on `","` (safe in Shift_JIS: trail bytes are ≥ 0x40, above `"` and `,`).
    let raw = line.strip_prefix(b"\"").unwrap().strip_suffix(b"\"").unwrap();
    let mut fields: Vec<Vec<u8>> = Vec::new();
    let mut cur = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i..].starts_with(b"\",\"") {
            fields.push(std::mem::take(&mut cur));
            i += 3;
        } else {
            cur.push(raw[i]);
            i += 1;
        }
    }
    fields.push(cur);
    assert_eq!(fields.len(), 150);
    fields[0] = b"3".to_vec(); // 変更区分 新規
    fields[2] = b"180799910".to_vec();
    fields[11] = b"23.00".to_vec(); // 新又は現点数
    fields[71] = b"4999".to_vec(); // 施設基準コード（1）
    fields[86] = b"20260601".to_vec(); // 変更年月日
    let mut row = b"\"".to_vec();
    row.extend(fields.join(&b"\",\""[..]));
    row.extend(b"\"\r\n");
    sources.extend(masters::embedded::supplement_sources());
    sources.push(masters::Source {
        path: "r8like/s_20260310.csv".into(),
        bytes: row,
        layer: masters::Layer::Official,
    });
    let set = masters::load_sources("r8like-chu5", sources).expect("R8-like set");
    let e = Engine::new(Arc::new(set));
    let both = json!([{"code": "4307", "from": "2024-06-01"}, {"code": "4999", "from": "2026-06-01"}]);
    for (date, stds, code, points, total) in [
        ("2026-07-01", both.clone(), "180799910", 23, 316),
        ("2027-06-01", both, "180799910", 40, 335),
        (
            "2026-07-01",
            json!([{"code": "4307", "from": "2024-06-01"}]),
            "180725710",
            17,
            310,
        ),
    ] {
        let o = calc(
            &e,
            claim(stds, json!([{"date": date, "time": "10:00", "kind": "first"}])),
        );
        assert!(has(&o, code, points), "{date}: {:?}", lines(&o));
        assert_eq!(o.total_points, total, "{date}: {:?}", lines(&o));
    }
}

/// The (Ⅱ) tier given by name (engine/data/standards.csv → 4310): 再診 2024-07-02 = 75 + 2 + 3 = 80.
#[test]
fn baseup2_tier_by_name() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!([{"name": "外来・在宅ベースアップ評価料（Ⅰ）", "from": "2024-06-01"},
                   {"name": "外来・在宅ベースアップ評価料（Ⅱ）３", "from": "2024-06-01"}]),
            json!([{"date": "2024-07-02", "time": "10:00", "kind": "revisit"}]),
        ),
    );
    assert!(has(&o, "180726610", 3), "{:?}", lines(&o));
    assert_eq!(o.total_points, 80, "{:?}", lines(&o));
}

//! End-to-end claims for the 特掲診療料 families (投薬, 検査, 注射, 処置, 画像, 医学管理, drugs and
//! materials) on the real staged masters. Every expected total is worked out by hand in the comment
//! of its case, citing the 点数表 and the master rows (2024-06 rows: `ssk/2024-06/s_ALL20240531`,
//! `y_ALL20240531`; 特定器材 `t` as loaded).
//!
//! The masters are loaded once from `SANTEI_DATA` or `<workspace>/../shared/data`; when neither
//! exists every test prints SKIP and passes.

use engine::{Engine, Level, Origin, Outcome};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

fn engine() -> Option<&'static Engine> {
    static E: OnceLock<Option<Engine>> = OnceLock::new();
    E.get_or_init(|| {
        let dir = std::env::var_os("SANTEI_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
        if !dir.exists() {
            eprintln!("SKIP tokkei: no master data at {} (set SANTEI_DATA)", dir.display());
            return None;
        }
        let set = masters::load_dir(&dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()));
        Some(Engine::new(Arc::new(set)))
    })
    .as_ref()
}

macro_rules! eng {
    () => {
        match engine() {
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

fn clinic() -> Value {
    json!({"kind": "clinic"})
}

fn adult() -> Value {
    json!({"birth_date": "1960-01-01"})
}

/// One visit without a base fee (`kind: none`) so that totals are the items alone.
fn visit(date: &str, prescription: Option<&str>, items: Value) -> Value {
    let mut v = json!({"date": date, "time": "10:00", "kind": "none", "items": items});
    if let Some(p) = prescription {
        v["prescription"] = json!(p);
    }
    v
}

fn claim(patient: Value, visits: Vec<Value>) -> Value {
    json!({"facility": clinic(), "patient": patient, "visits": visits})
}

fn lines<'o>(o: &'o Outcome, code: &str) -> Vec<&'o engine::Line> {
    o.lines.iter().filter(|l| l.code == code).collect()
}

fn removed<'o>(o: &'o Outcome, code: &str) -> Vec<&'o engine::Removed> {
    o.removed.iter().filter(|l| l.code == code).collect()
}

fn dump(o: &Outcome) -> String {
    let mut s = String::new();
    for l in &o.lines {
        s.push_str(&format!(
            "  {} {} {}×{} [{}] {:?}\n",
            l.code, l.name, l.points, l.count, l.reason.rule, l.origin
        ));
    }
    for r in &o.removed {
        s.push_str(&format!(
            "  REMOVED {} {} [{}] {:?}\n",
            r.code, r.name, r.reason.rule, r.reason.detail
        ));
    }
    for d in &o.diagnostics {
        s.push_str(&format!("  DIAG {:?} {} {}\n", d.level, d.code, d.message));
    }
    s
}

fn assert_total(o: &Outcome, want: i64) {
    assert_eq!(o.total_points, want, "total\n{}", dump(o));
}

fn has_diag(o: &Outcome, code: &str) -> bool {
    o.diagnostics.iter().any(|d| d.code == code)
}

// ---------------------------------------------------------------------------------------------
// 薬剤 conversion (R6告示 F200 / G100 / J300 / E400; rules.md §4.3, §5)

/// 院内, 4 剤 × 7日 (R6告示 F200; y_ALL20240531 prices):
/// ロキソニン 620098801 10.10×3 + ムコスタ 620452801 10.10×3 = 60.60円 → 1+⌈4.56⌉ = 6点 ×7 = 42;
/// ジャヌビア 621951001 111.50 → 11 ×7 = 77; ガスター 612320350 15.20 → 2 ×7 = 14;
/// バイアスピリン 610443053 5.70 → 1 ×7 = 7. Drugs 140. 4 種類 → F100 3 処方料 42 (120001210),
/// F000 1 調剤料 11 (120000710). Total 193.
#[test]
fn drugs_at_real_prices() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    {"code": "620098801", "quantity": 3, "days": 7, "rp": "1", "usage": "internal"},
                    {"code": "620452801", "quantity": 3, "days": 7, "rp": "1", "usage": "internal"},
                    {"code": "621951001", "quantity": 1, "days": 7, "rp": "2", "usage": "internal"},
                    {"code": "612320350", "quantity": 1, "days": 7, "rp": "3", "usage": "internal"},
                    {"code": "610443053", "quantity": 1, "days": 7, "rp": "4", "usage": "internal"}
                ]),
            )],
        ),
    );
    assert_total(&o, 193);
    assert_eq!(lines(&o, "620452801")[0].points, 6);
    assert_eq!(lines(&o, "620452801")[0].reason.rule, "F200");
    assert_eq!(lines(&o, "120001210")[0].origin, Origin::Derived);
    assert_eq!(lines(&o, "120000710").len(), 1);
}

/// The 15円 boundary and 五捨五超入 (R6告示 F200: 15円以下 1点, 以降 10円又はその端数ごとに1点), 1日分 each:
/// ベザトールＳＲ 610407028 12.50×1.2 = 15.00円 → 1; パンクレアチン 610408658 7.50×2.01 = 15.075円 → 2;
/// 610407028 ×2 = 25.00円 → 2 (2.5 rounds down); ×3.6 = 45.00円 → 4; ×3 = 37.50円 → 4. Drugs 13;
/// 5 種類 → 処方料 42 + 調剤料 11. Total 66.
#[test]
fn fifteen_yen_boundary_and_half() {
    let e = eng!();
    let it =
        |code: &str, q: f64, rp: &str| json!({"code": code, "quantity": q, "days": 1, "rp": rp, "usage": "internal"});
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    it("610407028", 1.2, "a"),
                    it("610408658", 2.01, "b"),
                    it("610407028", 2.0, "c"),
                    it("610407028", 3.6, "d"),
                    it("610407028", 3.0, "e")
                ]),
            )],
        ),
    );
    let pts: Vec<i64> = o.lines.iter().filter(|l| l.section == "21").map(|l| l.points).collect();
    assert_eq!(pts, vec![1, 2, 2, 4, 4], "{}", dump(&o));
    assert_total(&o, 66);
}

/// 処置 drugs: J300 15円以下 → 0点 (R6告示 J300). Day 1: 創傷処置（100cm²未満） 140000610 52 +
/// ゲンタシン軟膏 620008993 11.00円×1 → 0; day 2: 52 + ×2 = 22円 → 1+⌈0.7⌉ = 2. Total 106.
#[test]
fn shochi_drug_below_15_is_zero() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit(
                    "2024-07-10",
                    None,
                    json!([{"code": "140000610", "rp": "s"}, {"code": "620008993", "quantity": 1, "rp": "s"}]),
                ),
                visit(
                    "2024-07-11",
                    None,
                    json!([{"code": "140000610", "rp": "s"}, {"code": "620008993", "quantity": 2, "rp": "s"}]),
                ),
            ],
        ),
    );
    let g = lines(&o, "620008993");
    assert_eq!((g[0].points, g[1].points), (0, 2), "{}", dump(&o));
    assert_eq!(g[0].reason.rule, "J300");
    assert_eq!(g[0].section, "40");
    assert_total(&o, 106);
}

/// 注射 with drug and material (R6告示 G001 静脈内注射 37 (130003510); G100: 生食注２０ｍＬ「ＣＭＸ」 620006623
/// 62.00円 → 1+⌈4.7⌉ = 6; G200: 710010070 419.00円 ÷ 10 = 41.9 → 42 (四捨五入)). Total 85.
#[test]
fn chusha_with_drug_and_material() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "130003510", "rp": "i"}, {"code": "620006623", "quantity": 1, "rp": "i"}, {"code": "710010070", "quantity": 1, "rp": "i"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "620006623")[0].reason.rule, "G100");
    assert_eq!(lines(&o, "620006623")[0].points, 6);
    assert_eq!(lines(&o, "710010070")[0].reason.rule, "G200");
    assert_eq!(lines(&o, "710010070")[0].points, 42);
    assert_total(&o, 85);
}

/// 画像: 単純撮影（イ）の写真診断 170000410 85 (1枚) + 単純撮影（アナログ撮影） 170001910 60 (1枚) + フィルム 大角
/// 700030000 115円 ÷ 10 = 11.5 → 12 (E400, 四捨五入). Total 157.
#[test]
fn gazo_with_film_half_up() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "170000410", "quantity": 1, "rp": "x"}, {"code": "170001910", "quantity": 1, "rp": "x"}, {"code": "700030000", "quantity": 1, "rp": "x"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "700030000")[0].reason.rule, "E400");
    assert_eq!(lines(&o, "700030000")[0].points, 12);
    assert_total(&o, 157);
}

// ---------------------------------------------------------------------------------------------
// D007 ladder (R6告示 D007注: 5–7項目 93, 8–9項目 99, 10項目以上 103; R4 10項目以上 106) + D026 生化学的検査（１）
// 判断料 144 (160061910). Items of 11点 (D007 1): グルコース 160019410, γ－ＧＴ 160020410, ＢＵＮ 160019010,
// クレアチニン 160019210, ＵＡ 160019310, ＴＰ 160017410, Ａｌｂ 160018910, カリウム 160021410,
// ナトリウム及びクロール 160021110, ＡＬＰ 160020010.

const D007_ITEMS: [&str; 10] = [
    "160019410",
    "160020410",
    "160019010",
    "160019210",
    "160019310",
    "160017410",
    "160018910",
    "160021410",
    "160021110",
    "160020010",
];

fn d007_claim(date: &str, n: usize) -> Value {
    let items: Vec<Value> = D007_ITEMS[..n].iter().map(|c| json!({"code": c})).collect();
    claim(adult(), vec![visit(date, None, Value::Array(items))])
}

fn check_ladder(n: usize, date: &str, want: i64) {
    let e = eng!();
    let o = calc(e, d007_claim(date, n));
    assert_total(&o, want);
    assert_eq!(lines(&o, "160061910").len(), 1, "one 判断料\n{}", dump(&o));
    let d007: Vec<_> = o
        .lines
        .iter()
        .filter(|l| l.section == "60" && l.code != "160061910")
        .collect();
    assert_eq!(d007.len(), n);
    if n >= 5 {
        assert!(d007.iter().all(|l| l.reason.rule == "D007-hokatsu"));
        assert!(d007[..n - 1].iter().all(|l| l.points == 0));
    }
}

/// 4 items: below the ladder, 4 × 11 = 44 + 判断料 144 = 188.
#[test]
fn d007_4_items() {
    check_ladder(4, "2024-07-10", 188);
}
/// 5 items: 93 + 144 = 237.
#[test]
fn d007_5_items() {
    check_ladder(5, "2024-07-10", 237);
}
/// 7 items: 93 + 144 = 237.
#[test]
fn d007_7_items() {
    check_ladder(7, "2024-07-10", 237);
}
/// 8 items: 99 + 144 = 243.
#[test]
fn d007_8_items() {
    check_ladder(8, "2024-07-10", 243);
}
/// 9 items: 99 + 144 = 243.
#[test]
fn d007_9_items() {
    check_ladder(9, "2024-07-10", 243);
}
/// 10 items: 103 + 144 = 247.
#[test]
fn d007_10_items() {
    check_ladder(10, "2024-07-10", 247);
}
/// 10 items on 2024-05-15 (R4告示 D007注 ハ 10項目以上 106; 判断料 144 in s_ALL20240201): 250.
#[test]
fn d007_10_items_r4() {
    check_ladder(10, "2024-05-15", 250);
}

/// D007 counting (R6通知 D007(4)): ＨＤＬ 160023410 (17) + 総コレステロール 160022410 (17) + ＬＤＬ 160167250 (18)
/// together → the main two; with 4 items of 11点 that is 6 items → 93 + 144 = 237, one line removed.
#[test]
fn d007_lipid_trio_counts_two() {
    let e = eng!();
    let items = json!([{"code": "160019410"}, {"code": "160020410"}, {"code": "160019010"}, {"code": "160019210"}, {"code": "160023410"}, {"code": "160022410"}, {"code": "160167250"}]);
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", None, items)]));
    assert_eq!(
        o.removed.iter().filter(|r| r.reason.rule == "D007-count").count(),
        1,
        "{}",
        dump(&o)
    );
    assert_total(&o, 237);
}

/// D009 腫瘍マーカー (R6告示 D009注2: 4項目以上 385): ＣＥＡ 160036510, ＡＦＰ 160036710, ＣＡ１９－９ 160037210,
/// ＰＳＡ 160037510 → 385 + 生化学的検査（２）判断料 160062010 144 = 529.
#[test]
fn d009_ladder_4_items() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160036510"}, {"code": "160036710"}, {"code": "160037210"}, {"code": "160037510"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "160062010").len(), 1);
    assert_total(&o, 529);
}

/// D015 13 注 (特異的ＩｇＥ 160056110 110点/種類, 1回採取 1,430点を限度; the master's きざみ値 carries it: 下限 1,
/// 上限 13, 110 × 種類, エラー処理 1): 14 種類 → priced at 13 = 1,430 + 免疫学的検査判断料 160062110 144 = 1,574.
/// Two IgE lines on one specimen, 10 + 5 種類 = 1,100 + 550 → capped at 1,430 by the group 11 cap: 1,574.
#[test]
fn ige_cap() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160056110", "quantity": 14}]),
            )],
        ),
    );
    assert!(has_diag(&o, "STEP_CAPPED"));
    assert_total(&o, 1574);
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160056110", "quantity": 10}, {"code": "160056110", "quantity": 5}]),
            )],
        ),
    );
    assert_total(&o, 1574);
}

// ---------------------------------------------------------------------------------------------
// 判断料 (R6告示 D026注1 月1回)

/// First and second time in a month: グルコース 11 on 07-01, ＡＳＴ 160022510 17 on 07-15 → one 判断料 144
/// (dated 07-01). Total 172.
#[test]
fn handan_once_a_month() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit("2024-07-01", None, json!([{"code": "160019410"}])),
                visit("2024-07-15", None, json!([{"code": "160022510"}])),
            ],
        ),
    );
    let h = lines(&o, "160061910");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].date.to_string(), "2024-07-01");
    assert_eq!(h[0].origin, Origin::Derived);
    assert_total(&o, 172);
}

/// Already billed this month in history → not derived (11); billed last month → derived (155).
#[test]
fn handan_history() {
    let e = eng!();
    let mut c = claim(adult(), vec![visit("2024-07-15", None, json!([{"code": "160019410"}]))]);
    c["history"] = json!([{"date": "2024-07-01", "code": "160061910"}]);
    assert_total(&calc(e, c.clone()), 11);
    c["history"] = json!([{"date": "2024-06-20", "code": "160061910"}]);
    assert_total(&calc(e, c), 155);
}

/// A listed 判断料 with its 実施料 → one line, origin input (155); a listed 血液学的検査判断料 160061810
/// without any 血液学的 実施料 → removed.
#[test]
fn handan_listed() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160019410"}, {"code": "160061910"}, {"code": "160061810"}]),
            )],
        ),
    );
    let h = lines(&o, "160061910");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].origin, Origin::Input);
    assert_eq!(removed(&o, "160061810").len(), 1);
    assert_total(&o, 155);
}

// ---------------------------------------------------------------------------------------------
// 投薬: 7種類, 28日, 院内 vs 院外 (R6告示 F000, F100, F200注3, F400; R6通知 F200(6))

/// 6 銘柄 in one 内服 剤 above 205円: 621951001 111.50 + 620004080 56.60 + 622080801 69.70 + 622538301 60.20 +
/// 620098801 10.10 + 620452801 10.10 = 318.20円 → 32点 × 14 = 448; 6 種類 → 処方料 42; 調剤料 11. Total 501.
fn six_or_seven(seven: bool) -> Value {
    let mut codes = vec![
        "621951001",
        "620004080",
        "622080801",
        "622538301",
        "620098801",
        "620452801",
    ];
    if seven {
        codes.push("612320350");
    }
    Value::Array(
        codes
            .iter()
            .map(|c| json!({"code": c, "quantity": 1, "days": 14, "rp": "1", "usage": "internal"}))
            .collect(),
    )
}

#[test]
fn six_kinds_in_house() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit("2024-07-10", Some("in_house"), six_or_seven(false))],
        ),
    );
    assert_eq!(lines(&o, "120001210").len(), 1);
    assert_total(&o, 501);
}

/// 7 銘柄 (+ ガスター 15.20) = 333.40円 → 33点; 7種類以上 → × 90/100 = 29.7 → 30 (四捨五入, L) × 14 = 420;
/// 処方料（７種類以上内服薬） 120002610 29; 調剤料 11; 630010002 line at 0. Total 460.
#[test]
fn seven_kinds_in_house() {
    let e = eng!();
    let o = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("in_house"), six_or_seven(true))]),
    );
    assert_eq!(lines(&o, "120002610").len(), 1, "{}", dump(&o));
    assert_eq!(lines(&o, "630010002").len(), 1);
    assert_eq!(lines(&o, "612320350")[0].points, 30);
    assert_total(&o, 460);
}

/// 院外: 処方箋料 その他 60 (120002910) for 6 種類, 7種類以上 32 (120002710) for 7; drugs removed.
#[test]
fn six_and_seven_kinds_outside() {
    let e = eng!();
    let o6 = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("outside"), six_or_seven(false))]),
    );
    assert_total(&o6, 60);
    assert_eq!(o6.removed.iter().filter(|r| r.reason.rule == "F400").count(), 6);
    let o7 = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("outside"), six_or_seven(true))]),
    );
    assert_eq!(lines(&o7, "120002710").len(), 1);
    assert_total(&o7, 32);
}

/// 28日 boundary (R6告示 F100注5, 特定疾患処方管理加算 56 月1回, 120005610): ジャヌビア 111.50円 → 11点.
/// 27日: 297 + 42 + 11 = 350; 28日: 308 + 42 + 11 + 56 = 417; 28日 without `tokutei_shikkan`: 361 + info.
#[test]
fn tokutei_28_days() {
    let e = eng!();
    let c = |days: u32, tokutei: Option<bool>| {
        let mut p = adult();
        if let Some(t) = tokutei {
            p["tokutei_shikkan"] = json!(t);
        }
        claim(
            p,
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "621951001", "quantity": 1, "days": days, "rp": "1", "usage": "internal"}]),
            )],
        )
    };
    assert_total(&calc(e, c(27, Some(true))), 350);
    let o = calc(e, c(28, Some(true)));
    assert_eq!(lines(&o, "120005610").len(), 1);
    assert_total(&o, 417);
    let o = calc(e, c(28, None));
    assert!(has_diag(&o, "TOKUTEI_SHIKKAN_UNKNOWN"));
    assert_total(&o, 361);
}

/// 院外 with 一般名処方 (R6告示 F400注6; R6通知 F400(12)): ロキソニン (一般名 1149019F1ZZZ, y col 39 = 2) and
/// ネキシウム (2329029M2ZZZ, col 39 = 2) both written by 一般名 → 一般名処方加算１ 120004270 10 + 処方箋料 60 = 70;
/// the same in-house: ロキソニン 10.10×3 = 30.30円 → 3 ×7 = 21, ネキシウム 69.70円 → 7 ×7 = 49; + 処方料 42 +
/// 調剤料 11 = 123.
#[test]
fn in_house_vs_outside_generic_name() {
    let e = eng!();
    let items = json!([
        {"code": "620098801", "quantity": 3, "days": 7, "rp": "1", "usage": "internal", "generic_name": true},
        {"code": "622080801", "quantity": 1, "days": 7, "rp": "2", "usage": "internal", "generic_name": true}
    ]);
    let o = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("outside"), items.clone())]),
    );
    assert_eq!(lines(&o, "120004270").len(), 1, "{}", dump(&o));
    assert_total(&o, 70);
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", Some("in_house"), items)]));
    assert_total(&o, 123);
}

/// 乳幼児加算（処方料） 120002170 3 via 120001210's 年齢加算 (00–03): age 2, カロナール 620000033 7.00円 → 1 × 3 = 3
/// + 42 + 3 + 11 = 59.
#[test]
fn shoho_infant() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!({"birth_date": "2022-03-01"}),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "620000033", "quantity": 1, "days": 3, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "120002170").len(), 1);
    assert_total(&o, 59);
}

/// 麻薬等加算 (R6告示 F000注, F100注2): エチゾラム 610412026 (向精神薬, y col 14 = 5) 6.40円 → 1 × 7 = 7 + 処方料 42
/// + 調剤料 11 + 120000110 1 + 120001310 1 = 62.
#[test]
fn mayaku_kasan() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "610412026", "quantity": 1, "days": 7, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "120000110").len() + lines(&o, "120001310").len(), 2);
    assert_total(&o, 62);
}

/// A listed 処方料 equal to the derived one → one line, origin input: カロナール 1 × 7 = 7 + 42 + 11 = 60.
#[test]
fn listed_f_not_duplicated() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "120001210"}, {"code": "620000033", "quantity": 1, "days": 7, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    let l = lines(&o, "120001210");
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].origin, Origin::Input);
    assert_total(&o, 60);
}

/// 調剤技術基本料 120001810 14 月1回 with capability `pharmacist` (R6告示 F500): two in-house visits each
/// カロナール 1日 (1) + 42 + 11 → 54 + 54 + 14 = 122.
#[test]
fn chozai_kihon_once_a_month() {
    let e = eng!();
    let item = json!([{"code": "620000033", "quantity": 1, "days": 1, "rp": "1", "usage": "internal"}]);
    let mut c = claim(
        adult(),
        vec![
            visit("2024-07-10", Some("in_house"), item.clone()),
            visit("2024-07-20", Some("in_house"), item),
        ],
    );
    c["facility"]["capabilities"] = json!([{"id": "pharmacist", "from": "2020-01-01"}]);
    let o = calc(e, c);
    assert_eq!(lines(&o, "120001810").len(), 1);
    assert_total(&o, 122);
}

// ---------------------------------------------------------------------------------------------
// 検査 others, 外来診療料 bundle, 医学管理

/// D400 血液採取（静脈） 160095710 40, 1日につき: listed twice → one; age 4 → 乳幼児加算 160095970 35 derived
/// from the 年齢加算 columns (00–06). Total 75.
#[test]
fn blood_draw_once_a_day_with_infant() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!({"birth_date": "2020-01-15"}),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160095710"}, {"code": "160095710"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "160095710").len(), 1);
    assert_eq!(removed(&o, "160095710").len(), 1);
    assert_eq!(lines(&o, "160095970")[0].origin, Origin::Derived);
    assert_total(&o, 75);
}

/// 外来診療料 (病院 250床, 再診): 112011310 76. Bundled (A002注6): 尿一般 160000310 (26), 末梢血液一般 160008010 (21),
/// 創傷処置 140000610 (52); billed: ＨｂＡ１ｃ 160010010 49 (exception), the 処置's drug ゲンタシン ×2 = 22円 → 2 (J300),
/// 血液学的検査判断料 125 (HbA1c and the bundled CBC; 通知 A002(10)). Total 76 + 49 + 2 + 125 = 252.
#[test]
fn gairai_bundle() {
    let e = eng!();
    let c = json!({
        "facility": {"kind": "hospital", "beds": 250},
        "patient": adult(),
        "visits": [{"date": "2024-07-10", "time": "10:00", "kind": "revisit", "items": [
            {"code": "160000310"}, {"code": "160008010"}, {"code": "160010010"},
            {"code": "140000610", "rp": "j"}, {"code": "620008993", "quantity": 2, "rp": "j"}
        ]}]
    });
    let o = calc(e, c);
    assert_eq!(
        o.removed.iter().filter(|r| r.reason.rule == "A002-hokatsu").count(),
        3,
        "{}",
        dump(&o)
    );
    assert_eq!(lines(&o, "160061810").len(), 1);
    assert_total(&o, 252);
}

/// 小児科外来診療料 2ロ 再診時 113003810 528 (R6告示 B001-2 注3): the test, the drug and 投薬 are included;
/// base fee suppressed. Total 528.
#[test]
fn shoni_gairai_bundle() {
    let e = eng!();
    let c = json!({
        "facility": clinic(),
        "patient": {"birth_date": "2021-01-10"},
        "visits": [{"date": "2024-07-10", "time": "10:00", "kind": "revisit", "prescription": "in_house", "items": [
            {"code": "113003810"}, {"code": "160008010"},
            {"code": "620000033", "quantity": 1, "days": 3, "rp": "1", "usage": "internal"}
        ]}]
    });
    let o = calc(e, c);
    assert!(removed(&o, "160008010")
        .iter()
        .all(|r| r.reason.rule == "B001-2-hokatsu"));
    assert_eq!(removed(&o, "620000033").len(), 1);
    assert!(lines(&o, "120001210").is_empty());
    assert!(lines(&o, "160061810").is_empty());
    assert_total(&o, 528);
}

/// 特定疾患療養管理料（診療所） 113001810 225, 月2回 (R6告示 B000): three visits → two billed, 450.
#[test]
fn tokutei_kanri_twice_a_month() {
    let e = eng!();
    let p = json!({"birth_date": "1960-01-01", "tokutei_shikkan": true});
    let v = |d: &str| visit(d, None, json!([{"code": "113001810"}]));
    let o = calc(e, claim(p, vec![v("2024-07-02"), v("2024-07-16"), v("2024-07-30")]));
    assert_eq!(removed(&o, "113001810").len(), 1);
    assert_total(&o, 450);
}

/// 外来迅速検体検査加算 160177770 10点 × 項目 (quantity), 5項目限度 a day (R6告示 第3部第1節第1款 通則3): 3 項目 on
/// the first visit (30) and 4 on a second visit the same day → 2 billed (20), 2 removed; + グルコース 11 +
/// 判断料 144 = 205; an info diagnostic (eligible list L).
#[test]
fn jinsoku_five_a_day() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit(
                    "2024-07-10",
                    None,
                    json!([{"code": "160019410"}, {"code": "160177770", "quantity": 3}]),
                ),
                visit("2024-07-10", None, json!([{"code": "160177770", "quantity": 4}])),
            ],
        ),
    );
    assert!(has_diag(&o, "JINSOKU_LIST_UNCHECKED"));
    assert_eq!(removed(&o, "160177770")[0].count, 2);
    assert_total(&o, 205);
    assert!(o.diagnostics.iter().all(|d| d.level != Level::Error));
}

/// 臨時 ≤ 2週 is left out of the 7種類 count (R6告示 F100 2, F200注3): the 6-銘柄 剤 above (448) + ガスター
/// 612320350 in its own 臨時 剤 for 5 days (15.20円 → 2 × 5 = 10) → 6 種類: no 90/100, 処方料 42, 調剤料 11.
/// Total 511.
#[test]
fn temporary_drug_not_counted() {
    let e = eng!();
    let mut items = six_or_seven(false);
    items.as_array_mut().unwrap().push(
        json!({"code": "612320350", "quantity": 1, "days": 5, "rp": "2", "usage": "internal", "temporary": true}),
    );
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", Some("in_house"), items)]));
    assert!(lines(&o, "630010002").is_empty());
    assert_eq!(lines(&o, "120001210").len(), 1);
    assert_total(&o, 511);
}

/// A 処方料 listed on a 院外処方 visit is removed (R6告示 第5部 通則); the 処方箋料 is derived: 60.
#[test]
fn listed_f_wrong_side() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("outside"),
                json!([{"code": "120001210"}, {"code": "620000033", "quantity": 1, "days": 7, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    assert_eq!(removed(&o, "120001210")[0].reason.rule, "F-side");
    assert_total(&o, 60);
}

/// 特定疾患療養管理料 within one month of the 初診 (R6告示 B000注2; history 初診料 111000110 on 2024-06-20):
/// on 07-10 removed, on 07-25 billed 225.
#[test]
fn tokutei_kanri_after_first_visit_month() {
    let e = eng!();
    let p = json!({"birth_date": "1960-01-01", "tokutei_shikkan": true});
    let mut c = claim(
        p,
        vec![
            visit("2024-07-10", None, json!([{"code": "113001810"}])),
            visit("2024-07-25", None, json!([{"code": "113001810"}])),
        ],
    );
    c["history"] = json!([{"date": "2024-06-20", "code": "111000110"}]);
    let o = calc(e, c);
    assert_eq!(removed(&o, "113001810").len(), 1);
    assert_eq!(lines(&o, "113001810")[0].date.to_string(), "2024-07-25");
    assert_total(&o, 225);
}

// ---------------------------------------------------------------------------------------------
// More 薬剤 conversion at real 薬価 (R6告示 F200: 15円以下 1点, 15円を超える場合は 10円又はその端数を増すごとに1点;
// y_ALL20240531 col 12). Units: 内服 1剤1日分, 屯服 1回分, 外用 1調剤 (rules.md §4.3, §4.6).

/// 五捨五超入 at exact x.5 and at x.x5 (1日分 each, one 剤 per rp):
/// a プロマックＤ錠７５ 620004044 17.50×2 = 35.00円 → 1+⌈2.0⌉ = 3 (3.5 goes down);
/// b ツムラ柴苓湯 615101435 45.00×9 = 405.00円 → 1+⌈39.0⌉ = 40 (40.5 goes down);
/// c ツムラ補中益気湯 615101503 22.50×7.5 = 168.75円 → 1+⌈15.375⌉ = 17;
/// d 615101503 22.50×3 = 67.50円 → 1+⌈5.25⌉ = 7;
/// e 615101435 45.00 + ムコダイン錠５００ 610407447 10.10 = 55.10円 → 1+⌈4.01⌉ = 6 (just above the 55円 step).
/// Drugs 73; 4 種類 (< 7) → 処方料 120001210 42; 調剤料 120000710 11. Total 126.
#[test]
fn naifuku_half_yen_steps() {
    let e = eng!();
    let it =
        |code: &str, q: f64, rp: &str| json!({"code": code, "quantity": q, "days": 1, "rp": rp, "usage": "internal"});
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    it("620004044", 2.0, "a"),
                    it("615101435", 9.0, "b"),
                    it("615101503", 7.5, "c"),
                    it("615101503", 3.0, "d"),
                    it("615101435", 1.0, "e"),
                    it("610407447", 1.0, "e")
                ]),
            )],
        ),
    );
    let pts: Vec<i64> = o
        .lines
        .iter()
        .filter(|l| l.section == "21" && l.code.kind() == Some(masters::Kind::Y))
        .map(|l| l.points)
        .collect();
    assert_eq!(pts.iter().sum::<i64>(), 73, "{}", dump(&o));
    assert_eq!(lines(&o, "620004044")[0].points, 3);
    assert_eq!(lines(&o, "120001210").len(), 1);
    assert_total(&o, 126);
}

/// 頓服 per 1回分 × 回数 (R6告示 F200; F000 1: 屯服 counts with 内服 for 調剤料 11, once per 処方):
/// 頓服 ロキソニン 620098801 10.10×2 = 20.20円 → 2 × 10回 = 20; 内服 ムコダイン錠５００ 610407447 10.10×3 =
/// 30.30円 → 3 × 5日 = 15. 処方料 42 + 調剤料 11 (one line). Total 88.
#[test]
fn tonpuku_per_dose() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    {"code": "620098801", "quantity": 2, "days": 10, "rp": "t", "usage": "as_needed"},
                    {"code": "610407447", "quantity": 3, "days": 5, "rp": "1", "usage": "internal"}
                ]),
            )],
        ),
    );
    let t = lines(&o, "620098801");
    assert_eq!((t[0].points, t[0].count), (2, 10), "{}", dump(&o));
    assert_eq!(lines(&o, "120000710").len(), 1);
    assert!(lines(&o, "120001010").is_empty());
    assert_total(&o, 88);
}

/// 外用 per 1調剤 (R6告示 F200; F000 2 外用 調剤料 8 (120001010) once per 処方): モーラステープＬ４０ 620007804
/// 28.60×14枚 = 400.40円 → 1+⌈38.54⌉ = 40; ヒルドイドソフト軟膏 620009048 18.50×25g = 462.50円 →
/// 1+⌈44.75⌉ = 46 (46.25). Drugs 86 + 処方料 42 + 調剤料（外用） 8. Total 136.
#[test]
fn gaiyo_per_chozai() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    {"code": "620007804", "quantity": 14, "rp": "g1", "usage": "external"},
                    {"code": "620009048", "quantity": 25, "rp": "g2", "usage": "external"}
                ]),
            )],
        ),
    );
    assert_eq!(lines(&o, "620007804")[0].points, 40, "{}", dump(&o));
    assert_eq!(lines(&o, "620009048")[0].points, 46);
    assert_eq!(lines(&o, "120001010").len(), 1);
    assert!(lines(&o, "120000710").is_empty());
    assert_total(&o, 136);
}

/// 外用 below 15円 still 1点 under F200 (unlike J300): ロキソニンテープ５０ｍｇ 620007812 12.90×1 = 12.90円 → 1;
/// + 処方料 42 + 調剤料（外用） 8. Total 51.
#[test]
fn gaiyo_floor_one_point() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "620007812", "quantity": 1, "rp": "g", "usage": "external"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "620007812")[0].points, 1, "{}", dump(&o));
    assert_eq!(lines(&o, "620007812")[0].reason.rule, "F200");
    assert_total(&o, 51);
}

/// 内服 + 外用 in one 処方 → both 調剤料 (R6告示 F000 1 11 + 2 8): ムコダイン錠５００ 10.10×3 = 30.30円 → 3 × 7日
/// = 21; リンデロン－ＶＧ軟膏 662640418 27.70×5g = 138.50円 → 1+⌈12.35⌉ = 14. + 処方料 42. Total 96.
#[test]
fn naifuku_and_gaiyo_two_chozai() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([
                    {"code": "610407447", "quantity": 3, "days": 7, "rp": "1", "usage": "internal"},
                    {"code": "662640418", "quantity": 5, "rp": "g", "usage": "external"}
                ]),
            )],
        ),
    );
    assert_eq!(lines(&o, "120000710").len(), 1, "{}", dump(&o));
    assert_eq!(lines(&o, "120001010").len(), 1);
    assert_eq!(lines(&o, "662640418")[0].points, 14);
    assert_total(&o, 96);
}

/// 7 銘柄 in one 内服 剤 of ≤ 205円 count as one 種類 (R6通知 F200(6)): 620098801 10.10 + 620452801 10.10 +
/// 610407447 10.10 + マグミット 610463198 5.70 + 610443053 5.70 + アムロジピン「サワイ」 620007870 10.10 + カロナール
/// 620000033 7.00 = 58.80円 → 1+⌈4.38⌉ = 6 × 14日 = 84; no 90/100; 処方料 その他 42 + 調剤料 11 → 137.
/// 院外: 処方箋料 その他 120002910 60 (not 7種類以上 32).
fn seven_cheap() -> Value {
    let codes = [
        "620098801",
        "620452801",
        "610407447",
        "610463198",
        "610443053",
        "620007870",
        "620000033",
    ];
    Value::Array(
        codes
            .iter()
            .map(|c| json!({"code": c, "quantity": 1, "days": 14, "rp": "1", "usage": "internal"}))
            .collect(),
    )
}

#[test]
fn seven_brands_under_205_yen_in_house() {
    let e = eng!();
    let o = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("in_house"), seven_cheap())]),
    );
    assert!(lines(&o, "630010002").is_empty(), "{}", dump(&o));
    assert_eq!(lines(&o, "120001210").len(), 1);
    assert_total(&o, 137);
}

#[test]
fn seven_brands_under_205_yen_outside() {
    let e = eng!();
    let o = calc(
        e,
        claim(adult(), vec![visit("2024-07-10", Some("outside"), seven_cheap())]),
    );
    assert_eq!(lines(&o, "120002910").len(), 1, "{}", dump(&o));
    assert_total(&o, 60);
}

/// 処方箋料 乳幼児加算 (R6告示 F400注3, <3歳, 120002470 3; 年齢加算 上限 3): 院外 カロナール, born 2022-07-11 → on
/// 2024-07-10 aged 2 → 60 + 3 = 63; born 2021-07-10 → third birthday on the service date → 60.
#[test]
fn shohosen_infant_and_third_birthday() {
    let e = eng!();
    let c = |birth: &str| {
        claim(
            json!({"birth_date": birth}),
            vec![visit(
                "2024-07-10",
                Some("outside"),
                json!([{"code": "620000033", "quantity": 1, "days": 3, "rp": "1", "usage": "internal"}]),
            )],
        )
    };
    let o = calc(e, c("2022-07-11"));
    assert_eq!(lines(&o, "120002470").len(), 1, "{}", dump(&o));
    assert_total(&o, 63);
    let o = calc(e, c("2021-07-10"));
    assert!(lines(&o, "120002470").is_empty(), "{}", dump(&o));
    assert_total(&o, 60);
}

/// 処方料 乳幼児加算 at the age-3 boundary (R6告示 F100注3, 120002170): born 2021-07-10, service 2024-07-10 →
/// 3歳 → no 加算: カロナール 1 × 3 = 3 + 42 + 11 = 56.
#[test]
fn shoho_no_infant_at_three() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            json!({"birth_date": "2021-07-10"}),
            vec![visit(
                "2024-07-10",
                Some("in_house"),
                json!([{"code": "620000033", "quantity": 1, "days": 3, "rp": "1", "usage": "internal"}]),
            )],
        ),
    );
    assert!(lines(&o, "120002170").is_empty(), "{}", dump(&o));
    assert_total(&o, 56);
}

/// 特定疾患処方管理加算（処方箋料） (R6告示 F400注4, 120005710 56, 月1回, 28日以上): 院外 ジャヌビア 28日 on 07-03
/// and 07-31 → 処方箋料 60 + 60 and one 加算 56. Total 176.
#[test]
fn shohosen_tokutei_once_a_month() {
    let e = eng!();
    let p = json!({"birth_date": "1960-01-01", "tokutei_shikkan": true});
    let v = |d: &str| {
        visit(
            d,
            Some("outside"),
            json!([{"code": "621951001", "quantity": 1, "days": 28, "rp": "1", "usage": "internal"}]),
        )
    };
    let o = calc(e, claim(p, vec![v("2024-07-03"), v("2024-07-31")]));
    assert_eq!(lines(&o, "120005710").len(), 1, "{}", dump(&o));
    assert_eq!(lines(&o, "120002910").len(), 2);
    assert_total(&o, 176);
}

// ---------------------------------------------------------------------------------------------
// Other 包括 ladders (rules.md §3.2; R6告示 D006注, D008注, D009注2, D013注, D014注1), members found by
// s_ALL20240531 col 16, with their D026 判断料 (col 51: D006 → 2 血液学的 125 (160061810); D008, D009 → 4
// 生化学的（２） 144 (160062010); D013, D014 → 5 免疫学的 144 (160062110)).

/// All `codes` on one date (one blood draw); checks the total and a single 判断料 `handan`.
fn ladder_case(codes: &[&str], handan: &str, want: i64) {
    let e = eng!();
    let items: Vec<Value> = codes.iter().map(|c| json!({"code": c})).collect();
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", None, Value::Array(items))]));
    assert_eq!(lines(&o, handan).len(), 1, "one 判断料\n{}", dump(&o));
    assert_total(&o, want);
}

/// D008 (col 16 = 2): ＦＳＨ 160032910 105, ＧＨ 160031910 105, ＣＰＲ 160033010 105, ＦＴ３ 160033210 121,
/// ＦＴ４ 160033310 121, カルシトニン 160033610 130, テストステロン 160033910 119, カテコールアミン 160033510 184.
const D008_ITEMS: [&str; 8] = [
    "160032910",
    "160031910",
    "160033010",
    "160033210",
    "160033310",
    "160033610",
    "160033910",
    "160033510",
];

/// D008 2 items: below the ladder, 105 + 105 = 210 + 144 = 354.
#[test]
fn d008_2_items() {
    ladder_case(&D008_ITEMS[..2], "160062010", 354);
}
/// D008 3 items: 3–5項目 410 + 144 = 554.
#[test]
fn d008_3_items() {
    ladder_case(&D008_ITEMS[..3], "160062010", 554);
}
/// D008 5 items: still 410 + 144 = 554.
#[test]
fn d008_5_items() {
    ladder_case(&D008_ITEMS[..5], "160062010", 554);
}
/// D008 6 items: 6–7項目 623 + 144 = 767.
#[test]
fn d008_6_items() {
    ladder_case(&D008_ITEMS[..6], "160062010", 767);
}
/// D008 7 items: 623 + 144 = 767.
#[test]
fn d008_7_items() {
    ladder_case(&D008_ITEMS[..7], "160062010", 767);
}
/// D008 8 items: 8項目以上 900 + 144 = 1,044.
#[test]
fn d008_8_items() {
    ladder_case(&D008_ITEMS[..8], "160062010", 1044);
}

/// D009 (col 16 = 5): ＣＥＡ 160036510 99, ＡＦＰ 160036710 98, ＣＡ１９－９ 160037210 121.
const D009_ITEMS: [&str; 3] = ["160036510", "160036710", "160037210"];

/// D009 1 item: 99 + 144 = 243.
#[test]
fn d009_1_item() {
    ladder_case(&D009_ITEMS[..1], "160062010", 243);
}
/// D009 2 items: 「所定点数にかかわらず」 230 (the sum would be 197) + 144 = 374.
#[test]
fn d009_2_items() {
    ladder_case(&D009_ITEMS[..2], "160062010", 374);
}
/// D009 3 items: 290 (sum 318) + 144 = 434.
#[test]
fn d009_3_items() {
    ladder_case(&D009_ITEMS[..3], "160062010", 434);
}

/// D008 3 items (410) and D009 2 items (230) the same day: both groups report to 生化学的検査（２）判断料 → one
/// 144. Total 784.
#[test]
fn d008_and_d009_share_one_handan() {
    let mut codes: Vec<&str> = D008_ITEMS[..3].to_vec();
    codes.extend_from_slice(&D009_ITEMS[..2]);
    ladder_case(&codes, "160062010", 784);
}

/// D006 (col 16 = 6): ＶＷＦ活性 160015310 126, ＰＩＣ 160015810 150, ＰＦ４ 160016710 173, 凝固因子（第２因子）
/// 160015910 223, 凝固因子（第５因子） 160016010 223; 血液学的検査判断料 125.
const D006_ITEMS: [&str; 5] = ["160015310", "160015810", "160016710", "160015910", "160016010"];

/// D006 2 items: 126 + 150 = 276 + 125 = 401.
#[test]
fn d006_2_items() {
    ladder_case(&D006_ITEMS[..2], "160061810", 401);
}
/// D006 3 items: 3–4項目 530 (sum 449) + 125 = 655.
#[test]
fn d006_3_items() {
    ladder_case(&D006_ITEMS[..3], "160061810", 655);
}
/// D006 4 items: 530 + 125 = 655.
#[test]
fn d006_4_items() {
    ladder_case(&D006_ITEMS[..4], "160061810", 655);
}
/// D006 5 items: 5項目以上 722 + 125 = 847.
#[test]
fn d006_5_items() {
    ladder_case(&D006_ITEMS[..5], "160061810", 847);
}

/// D006 3 items on 07-01 and again on 07-15: two collections → 530 + 530, 判断料 once a month (D026注1) 125.
/// Total 1,185.
#[test]
fn d006_two_dates_one_handan() {
    let e = eng!();
    let items: Vec<Value> = D006_ITEMS[..3].iter().map(|c| json!({"code": c})).collect();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit("2024-07-01", None, Value::Array(items.clone())),
                visit("2024-07-15", None, Value::Array(items)),
            ],
        ),
    );
    assert_eq!(lines(&o, "160061810").len(), 1, "{}", dump(&o));
    assert_total(&o, 1185);
}

/// D013 (col 16 = 3): ＨＢｓ抗原 160049210 88, ＨＢｓ抗体 160049510 88, ＨＢｅ抗原 160050010 98, ＨＢｅ抗体
/// 160050110 98, ＨＡ抗体 160120810 146; 免疫学的検査判断料 144.
const D013_ITEMS: [&str; 5] = ["160049210", "160049510", "160050010", "160050110", "160120810"];

/// D013 2 items: 88 + 88 = 176 + 144 = 320.
#[test]
fn d013_2_items() {
    ladder_case(&D013_ITEMS[..2], "160062110", 320);
}
/// D013 3 items: 290 (sum 274) + 144 = 434.
#[test]
fn d013_3_items() {
    ladder_case(&D013_ITEMS[..3], "160062110", 434);
}
/// D013 4 items: 360 + 144 = 504.
#[test]
fn d013_4_items() {
    ladder_case(&D013_ITEMS[..4], "160062110", 504);
}
/// D013 5 items: 5項目以上 425 + 144 = 569.
#[test]
fn d013_5_items() {
    ladder_case(&D013_ITEMS[..5], "160062110", 569);
}

/// D013 on two labelled specimens the same day (「患者から１回に採取した血液」 per collection): "am" 3 items → 290;
/// "pm" ＨＢｅ抗体 98 + ＨＡ抗体 146 = 244 (below the ladder); 判断料 144. Total 678.
#[test]
fn d013_two_specimens() {
    let e = eng!();
    let items: Vec<Value> = D013_ITEMS
        .iter()
        .enumerate()
        .map(|(k, c)| json!({"code": c, "specimen": if k < 3 { "am" } else { "pm" }}))
        .collect();
    let o = calc(e, claim(adult(), vec![visit("2024-07-10", None, Value::Array(items))]));
    assert_eq!(lines(&o, "160062110").len(), 1, "{}", dump(&o));
    assert_total(&o, 678);
}

/// D014 (col 16 = 7): 抗ＲＮＰ抗体定性 160145510 144, 抗Ｓｍ抗体定性 160145710 147, 抗ＳＳ－Ａ／Ｒｏ抗体定性
/// 160145910 161; 免疫学的検査判断料 144.
const D014_ITEMS: [&str; 3] = ["160145510", "160145710", "160145910"];

/// D014 1 item: 144 + 144 = 288.
#[test]
fn d014_1_item() {
    ladder_case(&D014_ITEMS[..1], "160062110", 288);
}
/// D014 2 items: 320 (sum 291) + 144 = 464.
#[test]
fn d014_2_items() {
    ladder_case(&D014_ITEMS[..2], "160062110", 464);
}
/// D014 3 items: 3項目以上 490 + 144 = 634.
#[test]
fn d014_3_items() {
    ladder_case(&D014_ITEMS[..3], "160062110", 634);
}

/// Four 判断料 groups on one visit (D026注1, one each): 末梢血液一般 160008010 21 (血液学的 125), ＣＲＰ 160054710 16
/// (免疫学的 144), グルコース 160019410 11 (生化学的（１） 144), 尿沈渣（鏡検法） 160005010 27 (尿・糞便等 160061710
/// 34). 75 + 447 = 522.
#[test]
fn four_handan_groups() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "160008010"}, {"code": "160054710"}, {"code": "160019410"}, {"code": "160005010"}]),
            )],
        ),
    );
    for h in ["160061810", "160062110", "160061910", "160061710"] {
        assert_eq!(lines(&o, h).len(), 1, "{h}\n{}", dump(&o));
    }
    assert_total(&o, 522);
}

// ---------------------------------------------------------------------------------------------
// 外来診療料 (A002注6) bundling with the 判断料 still billed (A002 通知)

fn gairai_claim(items: Value) -> Value {
    json!({
        "facility": {"kind": "hospital", "beds": 250},
        "patient": adult(),
        "visits": [{"date": "2024-07-10", "time": "10:00", "kind": "revisit", "items": items}]
    })
}

/// 外来診療料 112011310 76; 尿蛋白 160000410 (D001, 7), 尿沈渣（鏡検法） 160005010 (D002, 27) and 末梢血液一般
/// 160008010 (D005, 21) bundled (注6 イ, ハ); 尿・糞便等検査判断料 34 and 血液学的検査判断料 125 still billed.
/// Total 76 + 34 + 125 = 235.
#[test]
fn gairai_urine_and_cbc_bundled_handan_billed() {
    let e = eng!();
    let o = calc(
        e,
        gairai_claim(json!([{"code": "160000410"}, {"code": "160005010"}, {"code": "160008010"}])),
    );
    assert_eq!(
        o.removed.iter().filter(|r| r.reason.rule == "A002-hokatsu").count(),
        3,
        "{}",
        dump(&o)
    );
    assert_eq!(lines(&o, "160061710").len(), 1);
    assert_eq!(lines(&o, "160061810").len(), 1);
    assert_total(&o, 235);
}

/// 外来診療料 with 尿一般 160000310 (D000) alone: bundled, and D000 does not trigger the 尿・糞便等検査判断料
/// (D026注2; master 判断区分 0). Total 76.
#[test]
fn gairai_d000_alone_no_handan() {
    let e = eng!();
    let o = calc(e, gairai_claim(json!([{"code": "160000310"}])));
    assert_eq!(removed(&o, "160000310").len(), 1, "{}", dump(&o));
    assert!(lines(&o, "160061710").is_empty());
    assert_total(&o, 76);
}

// ---------------------------------------------------------------------------------------------
// 注射 (R6告示 G000/G001/G004 手技; G100 薬剤: 15円以下 1点, 以降 10円又はその端数ごとに1点; G200 材料 ÷10 四捨五入)

/// 皮内、皮下及び筋肉内注射 130000510 25 + メチコバール注射液５００μｇ 643130224 98.00円 → 1+⌈8.3⌉ = 10. Total 35.
#[test]
fn chusha_hikin() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "130000510", "rp": "i"}, {"code": "643130224", "quantity": 1, "rp": "i"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "643130224")[0].points, 10, "{}", dump(&o));
    assert_eq!(lines(&o, "643130224")[0].reason.rule, "G100");
    assert_total(&o, 35);
}

/// 静脈内注射 130003510 37 + ブスコパン注２０ｍｇ 620008918 59.00円 → 1+⌈4.4⌉ = 6 + 在宅中心静脈栄養用輸液セット
/// 710010070 419.00円 ×2 = 838円 → 83.8 → 84 (G200, 四捨五入 on the total). Total 127.
#[test]
fn chusha_iv_with_two_materials() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "130003510", "rp": "i"}, {"code": "620008918", "quantity": 1, "rp": "i"}, {"code": "710010070", "quantity": 2, "rp": "i"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "620008918")[0].points, 6, "{}", dump(&o));
    assert_eq!(
        lines(&o, "710010070")
            .iter()
            .map(|l| l.points * l.count as i64)
            .sum::<i64>(),
        84
    );
    assert_total(&o, 127);
}

/// 点滴注射（6歳以上 500mL以上） 130003810 102 with two drugs in one 1回分 (G100: priced together):
/// ソルデム３Ａ輸液５００ｍＬ 620007344 176.00 + アセリオ静注液１０００ｍｇバッグ 622525501 304.00 = 480.00円 →
/// 1+⌈46.5⌉ = 48. Total 150.
#[test]
fn tenteki_two_drugs_one_dose() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "130003810", "rp": "d"}, {"code": "620007344", "quantity": 1, "rp": "d"}, {"code": "622525501", "quantity": 1, "rp": "d"}]),
            )],
        ),
    );
    let drug: i64 = o
        .lines
        .iter()
        .filter(|l| l.code == "620007344" || l.code == "622525501")
        .map(|l| l.points * l.count as i64)
        .sum();
    assert_eq!(drug, 48, "{}", dump(&o));
    assert_total(&o, 150);
}

/// 点滴注射（その他）（入院外） 130009310 53 + ソルデム３Ａ輸液２００ｍＬ 620007343 173.00円 → 1+⌈15.8⌉ = 17.
/// Total 70.
#[test]
fn tenteki_sonota() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                json!([{"code": "130009310", "rp": "d"}, {"code": "620007343", "quantity": 1, "rp": "d"}]),
            )],
        ),
    );
    assert_eq!(lines(&o, "620007343")[0].points, 17, "{}", dump(&o));
    assert_total(&o, 70);
}

// ---------------------------------------------------------------------------------------------
// 処置 drugs (R6告示 J300: 15円以下 算定しない; 15円超 1+⌈(円−15)/10⌉)

/// 創傷処置（100cm²未満） 140000610 52 on two days: day 1 with リンデロン－ＶＧ軟膏 662640418 27.70×1 = 27.70円 →
/// 1+⌈1.27⌉ = 3; day 2 with ヒルドイドソフト軟膏 620009048 18.50×0.8 = 14.80円 → 0 (J300). Total 55 + 52 = 107.
#[test]
fn shochi_drug_above_and_below_15() {
    let e = eng!();
    let o = calc(
        e,
        claim(
            adult(),
            vec![
                visit(
                    "2024-07-10",
                    None,
                    json!([{"code": "140000610", "rp": "s"}, {"code": "662640418", "quantity": 1, "rp": "s"}]),
                ),
                visit(
                    "2024-07-11",
                    None,
                    json!([{"code": "140000610", "rp": "s"}, {"code": "620009048", "quantity": 0.8, "rp": "s"}]),
                ),
            ],
        ),
    );
    assert_eq!(lines(&o, "662640418")[0].points, 3, "{}", dump(&o));
    assert_eq!(lines(&o, "662640418")[0].reason.rule, "J300");
    let h = lines(&o, "620009048");
    assert!(h.is_empty() || h[0].points == 0, "{}", dump(&o));
    assert_total(&o, 107);
}

/// 小児科外来診療料 past its age (R6告示 B001-2 注1 「６歳未満の乳幼児に限る」; s_ALL20240531
/// 113003810 上限年齢 B6): a 7-year-old's listed 113003810 is removed for its age, and it no longer
/// swallows the visit — the 再診料 (A001, 75 点 from 2024-06-01, s_ALL20240531 112007410) is
/// derived and the listed 尿一般 (D000, 26 点, 160000310) stays billed: 75 + 26 = 101. Before the
/// fix the bundle's inclusion rule ran although the bundle itself was not billable: 0 点.
#[test]
fn pediatric_bundle_past_its_age_does_not_bundle() {
    let e = eng!();
    let mut v = visit(
        "2024-07-03",
        None,
        json!([{"code": "113003810"}, {"code": "160000310"}]),
    );
    v["kind"] = json!("revisit");
    let o = calc(e, claim(json!({"birth_date": "2017-05-01"}), vec![v]));
    assert_eq!(removed(&o, "113003810").len(), 1, "{}", dump(&o));
    assert_eq!(lines(&o, "112007410").len(), 1, "{}", dump(&o));
    assert_eq!(lines(&o, "160000310").len(), 1, "{}", dump(&o));
    assert_total(&o, 101);
}

/// D004-2 悪性腫瘍組織検査 (処理が容易), group 13 (s col 16): 3 items on one collection → 6,000点,
/// the points of master row 160232270 「悪性腫瘍組織検査減算（処理が容易）（３項目）」 (s_ALL20240531,
/// 6000.00), not 2,500 × 3 = 7,500; 2 items → 4,000 (160232170). R6告示 D004-2注1; 判断料 D026 6
/// 遺伝子関連・染色体検査判断料 100 derived once.
#[test]
fn d004_2_ladder_points_come_from_the_master_rows() {
    let e = eng!();
    let items = |codes: &[&str]| Value::Array(codes.iter().map(|c| json!({"code": c})).collect());
    let three = calc(
        e,
        claim(
            adult(),
            vec![visit(
                "2024-07-10",
                None,
                items(&["160220610", "160220710", "160220810"]),
            )],
        ),
    );
    let ladder: Vec<_> = three
        .lines
        .iter()
        .filter(|l| l.reason.rule == "D004-2-hokatsu")
        .collect();
    assert_eq!(ladder.len(), 3, "{}", dump(&three));
    assert_eq!(ladder.iter().map(|l| l.points).sum::<i64>(), 6000, "{}", dump(&three));
    assert!(ladder[2].reason.detail.as_deref().unwrap_or("").contains("160232270"));
    assert_eq!(three.total_points, 6100, "{}", dump(&three));
    let two = calc(
        e,
        claim(
            adult(),
            vec![visit("2024-07-10", None, items(&["160220610", "160220710"]))],
        ),
    );
    assert_eq!(two.total_points, 4000 + 100, "{}", dump(&two));
}

//! A000 初診料 / A001 再診料 / A002 外来診療料: which base fee a visit gets.
//!
//! ## 何をするか
//! From `visits[].kind`, the facility (診療所 / 病院, 一般病床 ≥ 200), the department and the
//! other visits of the same day, picks the base code; its points and name come from the master
//! row valid on the service date. A base code listed in `items` is used as given (and checked).
//!
//! ## 根拠
//! - R6告示 A000 (初診料), 注5 ただし書 (同一日複数科 2科目 初診: second department only, once).
//! - R6告示 A001 (再診料), 注3 (2科目 再診), 注9 (電話等再診); R6通知 A001(1) (同日再診 billed
//!   each time, 同日再診料 row).
//! - R6告示 A002 (外来診療料: 病院 with 一般病床 200 or more), 注5 (2科目).
//!   All H (rules.md §1.1–§1.3). The codes below are the 告示's items as the master numbers them.
//!
//! ## 使うマスタ項目
//! cols 3, 5, 12 (code, name, points), 87/88 (validity), 38 (注加算コード, read by chu_kasan).

use crate::claim::VisitKind;
use crate::context::{Ctx, VisitState};
use crate::ledger::Ledger;
use crate::outcome::{Level, Origin};
use crate::rules::{id, RuleId};
use chrono::NaiveDate;
use masters::{AnyVersion, Code, Procedure};

/// What kind of base fee a visit carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseKind {
    /// 初診料
    First,
    /// 初診料（同一日複数科受診時の２科目）
    FirstSecondDept,
    /// 再診料
    Revisit,
    /// 同日再診料
    RevisitSameDay,
    /// 再診料（同一日複数科受診時の２科目）
    RevisitSecondDept,
    /// 電話等再診料 / 同日電話等再診料
    Phone,
    /// 外来診療料
    Gairai,
    /// 同日外来診療料
    GairaiSameDay,
    /// 外来診療料（２科目）
    GairaiSecondDept,
}

impl BaseKind {
    /// The base code the 告示 item has in the master.
    pub fn code(self, same_day: bool) -> u32 {
        match self {
            BaseKind::First => 111000110,
            BaseKind::FirstSecondDept => 111011810,
            BaseKind::Revisit => 112007410,
            BaseKind::RevisitSameDay => 112008350,
            BaseKind::RevisitSecondDept => 112015810,
            BaseKind::Phone if same_day => 112008850,
            BaseKind::Phone => 112007950,
            BaseKind::Gairai => 112011310,
            BaseKind::GairaiSameDay => 112011710,
            BaseKind::GairaiSecondDept => 112016210,
        }
    }
    pub fn rule(self) -> RuleId {
        match self {
            BaseKind::First | BaseKind::FirstSecondDept => id::A000,
            BaseKind::Revisit | BaseKind::RevisitSameDay | BaseKind::RevisitSecondDept | BaseKind::Phone => id::A001,
            BaseKind::Gairai | BaseKind::GairaiSameDay | BaseKind::GairaiSecondDept => id::A002,
        }
    }
    pub fn source(self) -> &'static str {
        match self {
            BaseKind::First => "R6告示 A000 初診料",
            BaseKind::FirstSecondDept => "R6告示 A000 注5 ただし書（同一日２科目）",
            BaseKind::Revisit => "R6告示 A001 再診料",
            BaseKind::RevisitSameDay => "R6告示 A001; R6通知 A001(1) 同日再診",
            BaseKind::RevisitSecondDept => "R6告示 A001 注3（同一日２科目）",
            BaseKind::Phone => "R6告示 A001 注9 電話等再診",
            BaseKind::Gairai => "R6告示 A002 外来診療料",
            BaseKind::GairaiSameDay => "R6告示 A002; R6通知 A002 同日再診",
            BaseKind::GairaiSecondDept => "R6告示 A002 注5（同一日２科目）",
        }
    }
    /// 2科目 lines carry none of the 注加算 (A000注5, A001注3, A002注5).
    pub fn second_dept(self) -> bool {
        matches!(
            self,
            BaseKind::FirstSecondDept | BaseKind::RevisitSecondDept | BaseKind::GairaiSecondDept
        )
    }
    pub fn is_first(self) -> bool {
        matches!(self, BaseKind::First | BaseKind::FirstSecondDept)
    }
    pub fn is_gairai(self) -> bool {
        matches!(
            self,
            BaseKind::Gairai | BaseKind::GairaiSameDay | BaseKind::GairaiSecondDept
        )
    }
}

/// An earlier visit of the same day, as seen by the choice.
#[derive(Clone, Debug)]
pub struct Earlier<'a> {
    pub department: Option<&'a str>,
    pub base: Option<BaseKind>,
}

/// Chooses the base kind. Returns the kind and, when the choice needs a human's attention,
/// a diagnostic (code, message).
pub fn choose(
    kind: VisitKind,
    phone: bool,
    large_hospital: bool,
    department: Option<&str>,
    earlier: &[Earlier<'_>],
) -> (Option<BaseKind>, Option<(&'static str, String)>) {
    let with_base: Vec<&Earlier<'_>> = earlier.iter().filter(|e| e.base.is_some()).collect();
    let other_dept = with_base
        .iter()
        .any(|e| e.department.is_some() && department.is_some() && e.department != department);
    let second_already = with_base.iter().any(|e| e.base.is_some_and(|b| b.second_dept()));
    let same_dept_earlier = with_base
        .iter()
        .any(|e| e.department == department || e.department.is_none() || department.is_none());
    match kind {
        VisitKind::None => (None, None),
        VisitKind::First => {
            if with_base.is_empty() {
                return (Some(BaseKind::First), None);
            }
            if other_dept && !second_already && !same_dept_earlier {
                return (Some(BaseKind::FirstSecondDept), None);
            }
            if other_dept && !same_dept_earlier {
                // A third department on the same day: no further 初診料 (「２つ目の診療科に限り」).
                return (None, Some(("THIRD_DEPT_SAME_DAY", "a third department's 初診 on the same day carries no base fee (A000注5: the second department only)".into())));
            }
            (
                Some(if large_hospital {
                    BaseKind::GairaiSameDay
                } else {
                    BaseKind::RevisitSameDay
                }),
                Some((
                    "SECOND_FIRST_SAME_DEPT",
                    "a second 初診 in the same department on the same day is billed as 同日再診".into(),
                )),
            )
        }
        VisitKind::Revisit => {
            if phone {
                return (Some(BaseKind::Phone), None);
            }
            if with_base.is_empty() {
                return (
                    Some(if large_hospital {
                        BaseKind::Gairai
                    } else {
                        BaseKind::Revisit
                    }),
                    None,
                );
            }
            if other_dept && !second_already && !same_dept_earlier {
                return (
                    Some(if large_hospital {
                        BaseKind::GairaiSecondDept
                    } else {
                        BaseKind::RevisitSecondDept
                    }),
                    None,
                );
            }
            (
                Some(if large_hospital {
                    BaseKind::GairaiSameDay
                } else {
                    BaseKind::RevisitSameDay
                }),
                None,
            )
        }
    }
}

/// Whether an 医科診療行為 row is a base fee of A000–A002 (初診料/再診料/外来診療料 and variants):
/// 区分 A000–A002, 告示等識別 1/3/5, 点数欄集計先 110/120, not a 注加算 (cols 85, 68, 15, 39).
pub fn is_base_row(p: &Procedure) -> bool {
    p.tbl_alpha == 'A'
        && p.tbl_kubun <= 2
        && matches!(p.kokuji1, b'1' | b'3' | b'5')
        && matches!(p.sum_target_out, 110 | 120)
        && p.chu_kasan_seq == b'0'
}

/// 小児科外来診療料 (B001-2) and 小児かかりつけ診療料 (B001-2-11) include 初診料/再診料 (R6告示
/// B001-2 注, B001-2-11 注3; H). The master files them under 区分 B001 枝番 02 with 項番 001/002
/// (小児科外来診療料 1/2) and 019 (小児かかりつけ診療料) — s_ALL20240531 cols 85, 92–94, checked.
pub fn is_pediatric_bundle(p: &Procedure) -> bool {
    p.tbl_alpha == 'B'
        && p.tbl_kubun == 1
        && p.tbl_eda == 2
        && matches!(p.tbl_kouban, 1 | 2 | 19)
        && p.kokuji1 == b'1'
        && p.sum_target_out == 130
}

/// Whether the patient's age on `d` is within the row's 下限年齢/上限年齢 (cols 41/42).
pub fn age_fits(ctx: &Ctx<'_>, p: &Procedure, d: NaiveDate) -> bool {
    ctx.below(&p.age_upper, d) && ctx.at_least(&p.age_lower, d)
}

fn base_kind_of_code(code: u32, fallback_kubun: u16) -> BaseKind {
    use BaseKind::*;
    for k in [
        First,
        FirstSecondDept,
        Revisit,
        RevisitSameDay,
        RevisitSecondDept,
        Gairai,
        GairaiSameDay,
        GairaiSecondDept,
    ] {
        if k.code(false) == code {
            return k;
        }
    }
    if Phone.code(false) == code || Phone.code(true) == code {
        return Phone;
    }
    match fallback_kubun {
        0 => First,
        2 => Gairai,
        _ => Revisit,
    }
}

/// The base fee stage: a listed base row is used as given (and checked against the visit
/// kind); otherwise the kind chosen from the facts is billed from the master row valid on the
/// date, unless a listed pediatric bundle includes it.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut Ledger<'c>, vs: &mut VisitState<'c>, earlier: &[Earlier<'_>]) {
    let i = vs.i;
    let v = &ctx.claim.visits[i];
    let d = vs.date;
    let items = &ctx.items[i];
    let explicit_base = items
        .iter()
        .find(|it| matches!(it.v, AnyVersion::S(s) if is_base_row(&s.row)));
    // A listed 小児科外来診療料 / 小児かかりつけ診療料 includes the base fee only when it is itself
    // billable by age (the row's 上限年齢: R6告示 B001-2 注1 「６歳未満の乳幼児に限る」); a patient
    // past it gets the base fee and the other items, and the bundle row is removed for its age.
    let bundle = items
        .iter()
        .find(|it| matches!(it.v, AnyVersion::S(s) if is_pediatric_bundle(&s.row) && age_fits(ctx, &s.row, d)));
    vs.bundle = bundle.is_some();
    let (mut kind, note) = choose(v.kind, v.phone, ctx.large_hospital(), v.department.as_deref(), earlier);
    if let Some((code, msg)) = note {
        led.diag(Level::Warning, code, msg, format!("{}.kind", vs.path()));
    }
    let mut base_origin = Origin::Derived;
    let mut base_at = None;
    if let Some(eb) = explicit_base {
        let AnyVersion::S(s) = eb.v else { unreachable!() };
        let k = base_kind_of_code(eb.code.0, s.row.tbl_kubun);
        if kind.is_some_and(|dk| dk.code(false) != eb.code.0 && dk.is_first() != k.is_first()) {
            led.diag(
                Level::Warning,
                "BASE_KIND_MISMATCH",
                format!(
                    "listed base {} ({}) does not match visit kind {:?}",
                    eb.code, s.row.name, v.kind
                ),
                vs.item_path(eb.idx),
            );
        }
        kind = Some(k);
        vs.base_row = Some(s);
        vs.explicit_base = true;
        base_origin = Origin::Input;
        base_at = Some(vs.at(eb.idx));
        vs.consumed[eb.idx] = true;
    } else if let Some(k) = kind {
        if let Some(b) = bundle {
            led.diag(
                Level::Info,
                "BASE_BUNDLED",
                format!(
                    "初診料/再診料 are included in {} (B001-2): no base fee line",
                    b.v.name()
                ),
                vs.item_path(b.idx),
            );
        } else {
            let code = Code(k.code(k == BaseKind::Phone && earlier.iter().any(|e| e.base.is_some())));
            match ctx.set.s.lookup(code, d) {
                Some(row) => vs.base_row = Some(row),
                None => led.diag(
                    Level::Error,
                    "BASE_NOT_IN_MASTER",
                    format!("base fee {code} ({:?}) has no master version valid on {d}", k),
                    format!("{}.kind", vs.path()),
                ),
            }
        }
    }
    if kind.is_some() && v.kind == VisitKind::None && explicit_base.is_none() {
        kind = None;
    }
    vs.kind = kind;
    if let (Some(k), Some(row)) = (kind, vs.base_row) {
        let detail = led.detail(|| {
            format!(
                "visit kind {:?}, {}, department {:?}",
                v.kind,
                if ctx.large_hospital() {
                    "hospital ≥200 beds"
                } else if ctx.is_clinic() {
                    "clinic"
                } else {
                    "hospital <200 beds"
                },
                v.department
            )
        });
        led.bill_s(d, i, row, 1, base_origin, k.rule(), k.source(), detail, base_at, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn second_department() {
        let e = [Earlier {
            department: Some("内科"),
            base: Some(BaseKind::First),
        }];
        assert_eq!(
            choose(VisitKind::First, false, false, Some("整形外科"), &e).0,
            Some(BaseKind::FirstSecondDept)
        );
        assert_eq!(
            choose(VisitKind::Revisit, false, false, Some("内科"), &e).0,
            Some(BaseKind::RevisitSameDay)
        );
        assert_eq!(
            choose(VisitKind::Revisit, false, true, None, &[]).0,
            Some(BaseKind::Gairai)
        );
        let e2 = [
            Earlier {
                department: Some("内科"),
                base: Some(BaseKind::First),
            },
            Earlier {
                department: Some("整形外科"),
                base: Some(BaseKind::FirstSecondDept),
            },
        ];
        assert_eq!(choose(VisitKind::First, false, false, Some("皮膚科"), &e2).0, None);
    }
}

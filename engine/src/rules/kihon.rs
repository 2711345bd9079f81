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
    pub fn rule(self) -> &'static str {
        match self {
            BaseKind::First | BaseKind::FirstSecondDept => "A000",
            BaseKind::Revisit | BaseKind::RevisitSameDay | BaseKind::RevisitSecondDept | BaseKind::Phone => "A001",
            BaseKind::Gairai | BaseKind::GairaiSameDay | BaseKind::GairaiSecondDept => "A002",
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

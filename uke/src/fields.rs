//! Typed access to the fields of one record, producing positioned errors.

use crate::date::{UkeDate, UkeMonth};
use crate::error::{ErrorKind, UkeError};
use crate::record::{DayCounts, LineComment};

/// Fields of one record with its record number. Positions are 1-based (field 1 = record id).
pub(crate) struct Fields<'a> {
    pub number: u64,
    pub fields: &'a [String],
}

impl<'a> Fields<'a> {
    /// The text of field `i`, or `""` if the record is shorter.
    pub fn raw(&self, i: usize) -> &'a str {
        i.checked_sub(1)
            .and_then(|j| self.fields.get(j))
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn string(&self, i: usize) -> String {
        self.raw(i).to_owned()
    }

    pub fn err(&self, i: usize, name: &'static str, kind: ErrorKind) -> UkeError {
        UkeError::at_field(self.number, i, name, kind)
    }

    fn bad_int(&self, i: usize, name: &'static str, reason: &str) -> UkeError {
        self.err(
            i,
            name,
            ErrorKind::BadInteger {
                value: self.raw(i).to_owned(),
                reason: reason.to_owned(),
            },
        )
    }

    /// An optional non-negative integer (数字 mode: half-width digits only).
    pub fn uint<T: TryFrom<u64>>(&self, i: usize, name: &'static str) -> Result<Option<T>, UkeError> {
        let s = self.raw(i);
        if s.is_empty() {
            return Ok(None);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.bad_int(i, name, "only half-width digits are allowed"));
        }
        let v: u64 = s.parse().map_err(|_| self.bad_int(i, name, "too many digits"))?;
        T::try_from(v)
            .map(Some)
            .map_err(|_| self.bad_int(i, name, "out of range"))
    }

    /// A required non-negative integer.
    pub fn req_uint<T: TryFrom<u64>>(&self, i: usize, name: &'static str) -> Result<T, UkeError> {
        self.uint(i, name)?
            .ok_or_else(|| self.bad_int(i, name, "required field is empty"))
    }

    fn bad_date(&self, i: usize, name: &'static str, reason: String) -> UkeError {
        self.err(
            i,
            name,
            ErrorKind::BadDate {
                value: self.raw(i).to_owned(),
                reason,
            },
        )
    }

    pub fn date(&self, i: usize, name: &'static str) -> Result<Option<UkeDate>, UkeError> {
        let s = self.raw(i);
        if s.is_empty() {
            return Ok(None);
        }
        UkeDate::parse(s).map(Some).map_err(|r| self.bad_date(i, name, r))
    }

    pub fn req_date(&self, i: usize, name: &'static str) -> Result<UkeDate, UkeError> {
        self.date(i, name)?
            .ok_or_else(|| self.bad_date(i, name, "required field is empty".into()))
    }

    pub fn req_month(&self, i: usize, name: &'static str) -> Result<UkeMonth, UkeError> {
        let s = self.raw(i);
        if s.is_empty() {
            return Err(self.bad_date(i, name, "required field is empty".into()));
        }
        UkeMonth::parse(s).map_err(|r| self.bad_date(i, name, r))
    }

    fn bad_value(&self, i: usize, name: &'static str, reason: &str) -> UkeError {
        self.err(
            i,
            name,
            ErrorKind::BadValue {
                value: self.raw(i).to_owned(),
                reason: reason.to_owned(),
            },
        )
    }

    /// A master code: required, half-width digits, of one of the given lengths.
    pub fn code(&self, i: usize, name: &'static str, lens: &[usize]) -> Result<String, UkeError> {
        let s = self.raw(i);
        if s.is_empty() {
            return Err(self.bad_value(i, name, "required code is empty"));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) || !lens.contains(&s.len()) {
            return Err(self.bad_value(i, name, "expected a half-width digit code"));
        }
        Ok(s.to_owned())
    }

    /// 診療識別: empty, or two half-width digits.
    pub fn section(&self, i: usize) -> Result<Option<String>, UkeError> {
        let s = self.raw(i);
        if s.is_empty() {
            return Ok(None);
        }
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.bad_value(i, "診療識別", "expected two half-width digits"));
        }
        Ok(Some(s.to_owned()))
    }

    /// A decimal quantity (使用量, 単価): half-width digits with at most one decimal point.
    pub fn decimal(&self, i: usize, name: &'static str) -> Result<Option<String>, UkeError> {
        let s = self.raw(i);
        if s.is_empty() {
            return Ok(None);
        }
        let mut parts = s.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        let ok_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !ok_digits(int) || frac.is_some_and(|f| !ok_digits(f)) {
            return Err(self.bad_value(i, name, "expected a half-width decimal number"));
        }
        Ok(Some(s.to_owned()))
    }

    /// The 31 算定日情報 columns starting at field `start` (day 1).
    pub fn days(&self, start: usize) -> Result<DayCounts, UkeError> {
        let mut d = [0u16; 31];
        for (k, slot) in d.iter_mut().enumerate() {
            *slot = self.uint::<u16>(start + k, "算定日情報")?.unwrap_or(0);
        }
        Ok(DayCounts(d))
    }

    /// Up to three (コメントコード, 文字データ) pairs starting at field `start`.
    pub fn comments(&self, start: usize) -> Result<Vec<LineComment>, UkeError> {
        let mut v = Vec::new();
        for k in 0..3 {
            let ci = start + 2 * k;
            let code = self.raw(ci);
            let text = self.raw(ci + 1);
            if code.is_empty() && text.is_empty() {
                continue;
            }
            if !code.is_empty() {
                self.code(ci, "コメントコード", &[9])?;
            }
            v.push(LineComment {
                code: code.to_owned(),
                text: text.to_owned(),
            });
        }
        Ok(v)
    }
}

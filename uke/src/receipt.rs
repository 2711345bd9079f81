//! Receipts (レセプト): an RE record with the records that follow it, and the grouping of its
//! 摘要 lines into 算定単位 (spec §4).

use std::collections::{BTreeMap, VecDeque};
use std::io::BufRead;

use serde::Serialize;

use crate::check::{GoTally, Issue};
use crate::error::{ErrorKind, ReceiptRef, UkeError};
use crate::reader::UkeReader;
use crate::record::{Co, DayCounts, Go, Ho, Ir, Iy, Ko, Re, Record, RecordBody, Si, Sn, Sy, To};

/// Most 公費 (KO records) one receipt may carry.
pub const MAX_KOHI: usize = 4;

/// One receipt: an RE record and every record up to the next RE (or GO).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receipt {
    /// 1-based index of this receipt among the RE records of the file.
    pub order: usize,
    /// 1-based record (line) number of the RE record.
    pub record_number: u64,
    /// The RE record (レセプト共通レコード).
    pub re: Re,
    /// The decoded fields of the RE line.
    pub re_fields: Vec<String>,
    /// The RE line's bytes as read (see [`Record::raw`]); None for a receipt built in memory.
    #[serde(skip)]
    pub re_raw: Option<Box<[u8]>>,
    /// The RE line ended with a bare LF (see [`Record::bare_lf`]).
    #[serde(skip)]
    pub re_bare_lf: bool,
    /// The records after RE, in file order (HO, KO, SN, SY, SI, IY, TO, CO, SJ …).
    pub lines: Vec<Record>,
}

/// A borrowed view of one 摘要 line (SI, IY, TO or CO).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetailLine<'a> {
    /// 1-based record number.
    pub number: u64,
    /// The typed line.
    pub item: DetailItem<'a>,
}

/// The typed content of a 摘要 line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DetailItem<'a> {
    /// SI 診療行為.
    Si(&'a Si),
    /// IY 医薬品.
    Iy(&'a Iy),
    /// TO 特定器材.
    To(&'a To),
    /// CO コメント.
    Co(&'a Co),
}

impl<'a> DetailLine<'a> {
    fn from_record(r: &'a Record) -> Option<Self> {
        let item = match &r.body {
            RecordBody::Si(x) => DetailItem::Si(x),
            RecordBody::Iy(x) => DetailItem::Iy(x),
            RecordBody::To(x) => DetailItem::To(x),
            RecordBody::Co(x) => DetailItem::Co(x),
            _ => return None,
        };
        Some(DetailLine { number: r.number, item })
    }

    /// 診療識別 as written on this line.
    pub fn section(&self) -> Option<&'a str> {
        match self.item {
            DetailItem::Si(x) => x.section.as_deref(),
            DetailItem::Iy(x) => x.section.as_deref(),
            DetailItem::To(x) => x.section.as_deref(),
            DetailItem::Co(x) => x.section.as_deref(),
        }
    }

    /// 負担区分.
    pub fn burden(&self) -> &'a str {
        match self.item {
            DetailItem::Si(x) => &x.burden,
            DetailItem::Iy(x) => &x.burden,
            DetailItem::To(x) => &x.burden,
            DetailItem::Co(x) => &x.burden,
        }
    }

    /// Master code (診療行為 / 医薬品 / 特定器材 / コメント).
    pub fn code(&self) -> &'a str {
        match self.item {
            DetailItem::Si(x) => &x.code,
            DetailItem::Iy(x) => &x.code,
            DetailItem::To(x) => &x.code,
            DetailItem::Co(x) => &x.code,
        }
    }

    /// 点数 (None on CO lines and on non-closing lines).
    pub fn points(&self) -> Option<u32> {
        match self.item {
            DetailItem::Si(x) => x.points,
            DetailItem::Iy(x) => x.points,
            DetailItem::To(x) => x.points,
            DetailItem::Co(_) => None,
        }
    }

    /// 回数 (None on CO lines).
    pub fn count(&self) -> Option<u16> {
        match self.item {
            DetailItem::Si(x) => x.count,
            DetailItem::Iy(x) => x.count,
            DetailItem::To(x) => x.count,
            DetailItem::Co(_) => None,
        }
    }

    /// 算定日情報 (None on CO lines).
    pub fn days(&self) -> Option<&'a DayCounts> {
        match self.item {
            DetailItem::Si(x) => Some(&x.days),
            DetailItem::Iy(x) => Some(&x.days),
            DetailItem::To(x) => Some(&x.days),
            DetailItem::Co(_) => None,
        }
    }

    /// True for a CO line.
    pub fn is_comment(&self) -> bool {
        matches!(self.item, DetailItem::Co(_))
    }
}

/// How a [`Unit`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnitKind {
    /// Closed by a line carrying 点数: a priced 算定単位 (剤).
    Priced,
    /// Has SI/IY/TO lines but none carries 点数 before the next 診療識別 or the receipt end
    /// (malformed; contributes 0 points).
    Unclosed,
    /// Comment lines only (e.g. a 99 receipt-wide comment with its continuations).
    CommentOnly,
}

/// A 算定単位 (剤, "Rp"): the lines priced together once (spec §4.1).
///
/// A unit runs from its first line to the first SI/IY/TO line that carries 点数; CO lines
/// attach to the unit they are in and never close it; a filled 診療識別 starts a new block (and
/// ends an unclosed unit); an empty 診療識別 inherits the block's.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit<'a> {
    /// 0-based index of the 診療識別 block (一連) in the receipt.
    pub block: usize,
    /// 診療識別 in force for the unit (from the block's first line); None if no line of the
    /// receipt set one yet.
    pub section: Option<&'a str>,
    /// The lines, in file order (SI/IY/TO/CO).
    pub lines: Vec<DetailLine<'a>>,
    /// How the unit ended.
    pub kind: UnitKind,
}

impl<'a> Unit<'a> {
    /// The line that carries 点数 (the last line of a priced unit).
    pub fn closing_line(&self) -> Option<&DetailLine<'a>> {
        match self.kind {
            UnitKind::Priced => self.lines.iter().rev().find(|l| l.points().is_some()),
            _ => None,
        }
    }

    /// 1-based record number of the unit's first line.
    pub fn first_record_number(&self) -> u64 {
        self.lines.first().map(|l| l.number).unwrap_or(0)
    }

    /// Recorded 点数 of one application of the unit (from the closing line).
    pub fn points(&self) -> Option<u32> {
        self.closing_line().and_then(|l| l.points())
    }

    /// Recorded 回数 (from the closing line).
    pub fn count(&self) -> Option<u16> {
        self.closing_line().and_then(|l| l.count())
    }

    /// 算定日情報 of the closing line.
    pub fn days(&self) -> Option<&'a DayCounts> {
        self.closing_line().and_then(|l| l.days())
    }

    /// 負担区分 of the closing line.
    pub fn burden(&self) -> Option<&'a str> {
        self.closing_line().map(|l| l.burden())
    }

    /// 点数 × 回数 (0 for a unit that is not priced).
    pub fn amount(&self) -> u64 {
        u64::from(self.points().unwrap_or(0)) * u64::from(self.count().unwrap_or(0))
    }

    /// The SI/IY/TO lines (without comments).
    pub fn priced_lines(&self) -> impl Iterator<Item = &DetailLine<'a>> {
        self.lines.iter().filter(|l| !l.is_comment())
    }

    /// The CO lines attached to the unit.
    pub fn comments(&self) -> impl Iterator<Item = &'a Co> + '_ {
        self.lines.iter().filter_map(|l| match l.item {
            DetailItem::Co(c) => Some(c),
            _ => None,
        })
    }
}

/// A payer that can bear a line: 医療保険 (the HO) or the n-th 公費 (KO, 1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Payer {
    /// 医療保険 (HO).
    Insurance,
    /// 第n公費 (the n-th KO record, 1–4).
    Kohi(u8),
}

/// The payers named by a 負担区分 code (spec §5.2), or None for an unknown code.
pub fn burden_payers(code: &str) -> Option<Vec<Payer>> {
    use Payer::{Insurance as H, Kohi as K};
    let v: &[Payer] = match code {
        "1" => &[H],
        "2" => &[H, K(1)],
        "3" => &[H, K(2)],
        "E" => &[H, K(3)],
        "G" => &[H, K(4)],
        "4" => &[H, K(1), K(2)],
        "M" => &[H, K(1), K(3)],
        "N" => &[H, K(1), K(4)],
        "O" => &[H, K(2), K(3)],
        "P" => &[H, K(2), K(4)],
        "Q" => &[H, K(3), K(4)],
        "V" => &[H, K(1), K(2), K(3)],
        "W" => &[H, K(1), K(2), K(4)],
        "X" => &[H, K(1), K(3), K(4)],
        "Y" => &[H, K(2), K(3), K(4)],
        "9" => &[H, K(1), K(2), K(3), K(4)],
        "5" => &[K(1)],
        "6" => &[K(2)],
        "B" => &[K(3)],
        "C" => &[K(4)],
        "7" => &[K(1), K(2)],
        "H" => &[K(1), K(3)],
        "I" => &[K(1), K(4)],
        "J" => &[K(2), K(3)],
        "K" => &[K(2), K(4)],
        "L" => &[K(3), K(4)],
        "R" => &[K(1), K(2), K(3)],
        "S" => &[K(1), K(2), K(4)],
        "T" => &[K(1), K(3), K(4)],
        "U" => &[K(2), K(3), K(4)],
        "Z" => &[K(1), K(2), K(3), K(4)],
        _ => return None,
    };
    Some(v.to_vec())
}

impl Receipt {
    /// Where this receipt sits in its file.
    pub fn reference(&self) -> ReceiptRef {
        ReceiptRef {
            order: self.order,
            record_number: self.record_number,
        }
    }

    fn bodies(&self) -> impl Iterator<Item = &RecordBody> {
        self.lines.iter().map(|r| &r.body)
    }

    /// The HO record (保険者), absent on 公費単独 receipts.
    pub fn ho(&self) -> Option<&Ho> {
        self.bodies().find_map(|b| match b {
            RecordBody::Ho(x) => Some(x),
            _ => None,
        })
    }

    /// The KO records (公費) in priority order (第1公費 first).
    pub fn ko(&self) -> Vec<&Ko> {
        self.bodies()
            .filter_map(|b| match b {
                RecordBody::Ko(x) => Some(x),
                _ => None,
            })
            .collect()
    }

    /// The SN records (資格確認).
    pub fn sn(&self) -> Vec<&Sn> {
        self.bodies()
            .filter_map(|b| match b {
                RecordBody::Sn(x) => Some(x),
                _ => None,
            })
            .collect()
    }

    /// The SY records (傷病名).
    pub fn sy(&self) -> Vec<&Sy> {
        self.bodies()
            .filter_map(|b| match b {
                RecordBody::Sy(x) => Some(x),
                _ => None,
            })
            .collect()
    }

    /// The 摘要 lines (SI, IY, TO, CO) in file order.
    pub fn detail_lines(&self) -> Vec<DetailLine<'_>> {
        self.lines.iter().filter_map(DetailLine::from_record).collect()
    }

    /// True when the receipt has no HO record (公費単独 / 公費併用 without 医療保険).
    pub fn is_kohi_only(&self) -> bool {
        self.ho().is_none()
    }

    /// The recorded 合計点数 of the receipt: HO #6, or for a receipt without HO the first KO's
    /// #6 (the figure that GO 総合計点数 adds up, spec §3 GO). None when neither exists.
    pub fn recorded_total(&self) -> Option<u64> {
        match self.ho() {
            Some(ho) => Some(u64::from(ho.total_points)),
            None => self.ko().first().map(|k| u64::from(k.total_points)),
        }
    }

    /// The recorded 診療実日数 matching [`Receipt::recorded_total`] (HO, or the first KO).
    pub fn recorded_days(&self) -> Option<u16> {
        match self.ho() {
            Some(ho) => ho.days,
            None => self.ko().first().and_then(|k| k.days),
        }
    }

    /// Groups the 摘要 lines into 算定単位 (spec §4.1), in file order.
    pub fn units(&self) -> Vec<Unit<'_>> {
        let mut units = Vec::new();
        let mut section: Option<&str> = None;
        let mut block = 0usize;
        let mut started = false;
        let mut open: Vec<DetailLine<'_>> = Vec::new();

        fn close<'a>(
            units: &mut Vec<Unit<'a>>,
            open: &mut Vec<DetailLine<'a>>,
            block: usize,
            section: Option<&'a str>,
            priced: bool,
        ) {
            if open.is_empty() {
                return;
            }
            let lines = std::mem::take(open);
            let kind = if priced {
                UnitKind::Priced
            } else if lines.iter().all(|l| l.is_comment()) {
                UnitKind::CommentOnly
            } else {
                UnitKind::Unclosed
            };
            units.push(Unit {
                block,
                section,
                lines,
                kind,
            });
        }

        for line in self.detail_lines() {
            if let Some(s) = line.section() {
                close(&mut units, &mut open, block, section, false);
                if started {
                    block += 1;
                }
                started = true;
                section = Some(s);
            }
            let closes = !line.is_comment() && line.points().is_some();
            open.push(line);
            if closes {
                close(&mut units, &mut open, block, section, true);
            }
        }
        close(&mut units, &mut open, block, section, false);
        units
    }

    /// Σ 点数 × 回数 over the priced units.
    pub fn units_total(&self) -> u64 {
        self.units().iter().fold(0u64, |acc, u| acc.saturating_add(u.amount()))
    }

    /// Σ 点数 × 回数 per 診療識別 (the 点数欄 of the paper receipt, spec §5.1). Units without a
    /// 診療識別 are summed under `""`.
    pub fn section_totals(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for u in self.units() {
            if u.kind == UnitKind::Priced {
                let e = m.entry(u.section.unwrap_or("").to_owned()).or_insert(0u64);
                *e = e.saturating_add(u.amount());
            }
        }
        m
    }

    /// Σ 点数 × 回数 over the priced units whose 負担区分 (of the closing line) includes `payer`.
    pub fn payer_units_total(&self, payer: Payer) -> u64 {
        self.units()
            .iter()
            .filter(|u| u.burden().and_then(burden_payers).is_some_and(|p| p.contains(&payer)))
            .fold(0u64, |acc, u| acc.saturating_add(u.amount()))
    }

    /// The days (1–31) of the 診療年月 on which any SI/IY/TO line has a count.
    pub fn service_days(&self) -> Vec<u8> {
        let mut any = [false; 31];
        for l in self.detail_lines() {
            if let Some(d) = l.days() {
                for (day, _) in d.iter() {
                    if let Some(slot) = any.get_mut(usize::from(day) - 1) {
                        *slot = true;
                    }
                }
            }
        }
        (1..=31u8).filter(|&d| any[usize::from(d) - 1]).collect()
    }

    /// Runs the per-receipt consistency checks; see [`crate::check_receipt`].
    pub fn check(&self) -> Vec<Issue> {
        crate::check::check_receipt(self)
    }

    /// Builds a receipt, checking the payer records (at most one HO, at most four KO).
    pub(crate) fn build(
        order: usize,
        record_number: u64,
        re: Re,
        re_fields: Vec<String>,
        re_raw: Option<Box<[u8]>>,
        re_bare_lf: bool,
        lines: Vec<Record>,
    ) -> Result<Receipt, UkeError> {
        let mut ho = 0usize;
        let mut ko = 0usize;
        for r in &lines {
            match r.body {
                RecordBody::Ho(_) => {
                    ho += 1;
                    if ho > 1 {
                        return Err(UkeError::new(
                            r.number,
                            ErrorKind::Structure {
                                reason: "a second HO record in one receipt".into(),
                            },
                        ));
                    }
                }
                RecordBody::Ko(_) => {
                    ko += 1;
                    if ko > MAX_KOHI {
                        return Err(UkeError::new(
                            r.number,
                            ErrorKind::Structure {
                                reason: format!("more than {MAX_KOHI} KO records in one receipt"),
                            },
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(Receipt {
            order,
            record_number,
            re,
            re_fields,
            re_raw,
            re_bare_lf,
            lines,
        })
    }

    /// Builds a receipt from records in memory (an RE record, then the records that follow it),
    /// with the checks of a file read: at most one HO, at most four KO. Used to read back a
    /// receipt before it is written.
    pub fn from_records(order: usize, re: Record, lines: Vec<Record>) -> Result<Receipt, UkeError> {
        let reference = ReceiptRef {
            order,
            record_number: re.number,
        };
        let Record {
            number,
            fields,
            body,
            raw,
            bare_lf,
        } = re;
        let RecordBody::Re(re) = body else {
            return Err(UkeError::new(
                number,
                ErrorKind::Structure {
                    reason: format!(
                        "a receipt must start with an RE record, found {}",
                        fields.first().map(String::as_str).unwrap_or("")
                    ),
                },
            )
            .with_receipt(reference));
        };
        for r in &lines {
            if matches!(r.body, RecordBody::Re(_) | RecordBody::Ir(_) | RecordBody::Go(_)) {
                return Err(UkeError::new(
                    r.number,
                    ErrorKind::Structure {
                        reason: format!("{} record inside a receipt", r.kind()),
                    },
                )
                .with_receipt(reference));
            }
        }
        Receipt::build(order, number, *re, fields, raw, bare_lf, lines).map_err(|e| e.with_receipt(reference))
    }

    /// The RE record followed by every line, as records (the RE is rebuilt from
    /// [`Receipt::re`], [`Receipt::re_fields`] and [`Receipt::re_raw`]).
    pub fn re_record(&self) -> Record {
        Record {
            number: self.record_number,
            fields: self.re_fields.clone(),
            body: RecordBody::Re(Box::new(self.re.clone())),
            raw: self.re_raw.clone(),
            bare_lf: self.re_bare_lf,
        }
    }
}

/// An RE record's typed content, fields, bytes and line end.
type ReParts = (Re, Vec<String>, Option<Box<[u8]>>, bool);

/// The most records one receipt (an RE block) may hold: a month of an outpatient's 摘要 is a
/// few hundred lines; the staged sample's largest has 22.
pub const MAX_RECORDS_PER_RECEIPT: usize = 100_000;

struct Pending {
    reference: ReceiptRef,
    re: Option<ReParts>,
    lines: Vec<Record>,
    error: Option<UkeError>,
}

impl Pending {
    fn fail(&mut self, e: UkeError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }
}

/// Iterator over the receipts of a file; made by [`UkeReader::receipts`].
///
/// Yields `Ok(Receipt)` for each well-formed RE block, in file order. A block with a bad line
/// yields one `Err` (the first error in it, tagged with the receipt's order and RE record
/// number via [`UkeError::receipt`]) and iteration continues with the next RE. Errors outside
/// any receipt (before the first RE, in the IR or GO record) are yielded as untagged `Err`
/// items. The IR header is available from [`Receipts::ir`] once read, the GO record from
/// [`Receipts::go`] after the last receipt, and [`Receipts::tally`] accumulates the figures GO
/// must match. Memory holds one receipt at a time.
pub struct Receipts<R> {
    reader: UkeReader<R>,
    ir: Option<Record>,
    go: Option<Record>,
    pending: Option<Pending>,
    queue: VecDeque<Result<Receipt, UkeError>>,
    re_seen: usize,
    tally: GoTally,
    done: bool,
}

impl<R: BufRead> Receipts<R> {
    pub(crate) fn new(reader: UkeReader<R>) -> Self {
        Receipts {
            reader,
            ir: None,
            go: None,
            pending: None,
            queue: VecDeque::new(),
            re_seen: 0,
            tally: GoTally::default(),
            done: false,
        }
    }

    /// The IR record (医療機関情報), once read.
    pub fn ir(&self) -> Option<&Ir> {
        match self.ir.as_ref().map(|r| &r.body) {
            Some(RecordBody::Ir(ir)) => Some(ir),
            _ => None,
        }
    }

    /// The GO record (診療報酬請求書), once read (after the last receipt).
    pub fn go(&self) -> Option<&Go> {
        match self.go.as_ref().map(|r| &r.body) {
            Some(RecordBody::Go(go)) => Some(go),
            _ => None,
        }
    }

    /// The whole IR record (fields and bytes as read), once read.
    pub fn ir_record(&self) -> Option<&Record> {
        self.ir.as_ref()
    }

    /// The whole GO record (fields and bytes as read), once read.
    pub fn go_record(&self) -> Option<&Record> {
        self.go.as_ref()
    }

    /// Figures of the receipts yielded so far as `Ok` (for the GO check).
    pub fn tally(&self) -> &GoTally {
        &self.tally
    }

    /// Number of the last record (line) read so far.
    pub fn records_read(&self) -> u64 {
        self.reader.records_read()
    }

    /// True when the file ended with the end-of-file mark 0x1A (known at the end).
    pub fn eof_mark_seen(&self) -> bool {
        self.reader.eof_mark_seen()
    }

    /// Number of RE records seen so far (good and bad receipts).
    pub fn receipts_seen(&self) -> usize {
        self.re_seen
    }

    /// GO reconciliation (spec §3 GO) over the receipts yielded so far; None until GO was read.
    pub fn check_go(&self) -> Option<Vec<Issue>> {
        self.go().map(|go| self.tally.check(go))
    }

    fn flush(&mut self) {
        let Some(p) = self.pending.take() else {
            return;
        };
        let result = match (p.error, p.re) {
            (Some(e), _) => Err(e),
            (None, Some((re, fields, raw, bare_lf))) => Receipt::build(
                p.reference.order,
                p.reference.record_number,
                re,
                fields,
                raw,
                bare_lf,
                p.lines,
            ),
            (None, None) => Err(UkeError::new(
                p.reference.record_number,
                ErrorKind::Structure {
                    reason: "receipt without a readable RE record".into(),
                },
            )),
        };
        let result = result.map_err(|e| e.with_receipt(p.reference));
        if let Ok(r) = &result {
            self.tally.add(r);
        }
        self.queue.push_back(result);
    }

    fn step(&mut self) {
        let Some(item) = self.reader.next_item() else {
            self.flush();
            self.done = true;
            return;
        };
        if item.file_end {
            // No GO at the end (or an empty file): the last receipt is complete as read and is
            // yielded on its own; the error is the file's, outside any receipt.
            self.flush();
            if let Err(e) = item.result {
                self.queue.push_back(Err(e));
            }
            return;
        }
        match item.kind.as_ref() {
            Some(b"RE") => {
                self.flush();
                self.re_seen += 1;
                let number = match &item.result {
                    Ok(r) => r.number,
                    Err(e) => e.record_number(),
                };
                let mut p = Pending {
                    reference: ReceiptRef {
                        order: self.re_seen,
                        record_number: number,
                    },
                    re: None,
                    lines: Vec::new(),
                    error: None,
                };
                match item.result {
                    Ok(Record {
                        body: RecordBody::Re(re),
                        fields,
                        raw,
                        bare_lf,
                        ..
                    }) => p.re = Some((*re, fields, raw, bare_lf)),
                    Ok(_) => {}
                    Err(e) => p.fail(e),
                }
                self.pending = Some(p);
            }
            Some(b"GO") => {
                self.flush();
                match item.result {
                    Ok(
                        rec @ Record {
                            body: RecordBody::Go(_),
                            ..
                        },
                    ) => self.go = Some(rec),
                    Ok(_) => {}
                    Err(e) => self.queue.push_back(Err(e)),
                }
            }
            Some(b"IR") => match item.result {
                Ok(
                    rec @ Record {
                        body: RecordBody::Ir(_),
                        ..
                    },
                ) => self.ir = Some(rec),
                Ok(_) => {}
                Err(e) => self.queue.push_back(Err(e)),
            },
            _ => match (&mut self.pending, item.result) {
                (Some(p), Ok(rec)) => {
                    // A receipt is held in memory until its end: at most MAX_RECORDS_PER_RECEIPT
                    // records (docs/limits.md); past that it is one error and its lines are
                    // no longer kept.
                    if p.error.is_none() && p.lines.len() >= MAX_RECORDS_PER_RECEIPT {
                        p.lines = Vec::new();
                        p.fail(UkeError::new(
                            rec.number,
                            ErrorKind::Structure {
                                reason: format!(
                                    "more than {MAX_RECORDS_PER_RECEIPT} records in one receipt (the most santei holds)"
                                ),
                            },
                        ));
                    } else if p.error.is_none() {
                        p.lines.push(rec);
                    }
                }
                (Some(p), Err(e)) => p.fail(e),
                (None, Ok(rec)) => self.queue.push_back(Err(UkeError::new(
                    rec.number,
                    ErrorKind::Structure {
                        reason: format!("{} record before the first RE record", rec.kind()),
                    },
                ))),
                (None, Err(e)) => self.queue.push_back(Err(e)),
            },
        }
    }
}

impl<R: BufRead> Iterator for Receipts<R> {
    type Item = Result<Receipt, UkeError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(x) = self.queue.pop_front() {
                return Some(x);
            }
            if self.done {
                return None;
            }
            self.step();
        }
    }
}

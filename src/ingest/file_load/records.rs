//! CSV records read with a fixed memory bound: a record or field over its cap is skipped as it
//! streams past (reported with its line) instead of being buffered whole.
use std::io::BufRead;

use csv_core::{ReadRecordResult, Reader};

/// Most fields one record may have; more is reported like an oversized record.
const MAX_FIELDS: usize = 1024;

/// Caps on what one record may hold.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub field_bytes: usize,
    pub record_bytes: usize,
}

/// One record of the file, or why it cannot be used.
#[derive(Debug)]
pub enum Item {
    Record {
        line: u64,
        fields: Vec<String>,
        bytes: usize,
    },
    Rejected {
        line: u64,
        reason: String,
    },
}

pub struct Records<R> {
    input: R,
    core: Reader,
    caps: Caps,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R, caps: Caps) -> Self {
        Self {
            input,
            core: Reader::new(),
            caps,
            out: vec![0; caps.record_bytes],
            ends: vec![0; MAX_FIELDS],
        }
    }

    /// The next record; `None` at the end of the file. I/O errors end the file.
    pub fn next_item(&mut self) -> std::io::Result<Option<Item>> {
        self.read(false)
    }

    /// The header: like [`next_item`](Self::next_item), but a header over the record cap is
    /// refused as soon as it passes the cap, not read to its end (a 1 GB first line).
    pub fn header(&mut self) -> std::io::Result<Option<Item>> {
        self.read(true)
    }

    fn read(&mut self, stop_when_full: bool) -> std::io::Result<Option<Item>> {
        let line = self.core.line();
        let (mut nout, mut nends) = (0, 0);
        // Bytes of the record seen so far, kept while the output is discarded.
        let mut skipped = 0usize;
        let mut too_many_fields = false;
        // Quote characters the record's text holds: odd at the end of the file means a quote
        // was opened and never closed, and the rest of the file was read as one field.
        let mut quotes = 0usize;
        loop {
            let input = self.input.fill_buf()?;
            let (res, nin, o, e) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nends..]);
            quotes += input[..nin].iter().filter(|b| **b == b'"').count();
            let at_end = input.is_empty();
            self.input.consume(nin);
            nout += o;
            nends += e;
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if stop_when_full => {
                    return Ok(Some(Item::Rejected {
                        line,
                        reason: format!(
                            "the header is larger than the {} byte limit",
                            self.caps.record_bytes
                        ),
                    }));
                }
                // Over the cap: drop what was kept and keep reading to the record's end.
                ReadRecordResult::OutputFull => {
                    skipped += nout;
                    nout = 0;
                }
                ReadRecordResult::OutputEndsFull => {
                    too_many_fields = true;
                    nends = 0;
                }
                ReadRecordResult::End => return Ok(None),
                ReadRecordResult::Record
                    if at_end && quotes % 2 == 1 && self.core.line() > line + 1 =>
                {
                    return Ok(Some(Item::Rejected {
                        line,
                        reason: format!(
                            "unterminated quote: the quoted field opened in the record on line \
                             {line} runs to the end of the file (lines {line} to {})",
                            self.core.line() - 1
                        ),
                    }));
                }
                ReadRecordResult::Record => {
                    return Ok(Some(self.finish(
                        line,
                        nout,
                        nends,
                        skipped,
                        too_many_fields,
                    )))
                }
            }
        }
    }

    fn finish(
        &self,
        line: u64,
        nout: usize,
        nends: usize,
        skipped: usize,
        too_many_fields: bool,
    ) -> Item {
        let reject = |reason: String| Item::Rejected { line, reason };
        if skipped > 0 {
            return reject(format!(
                "record larger than the {} byte limit",
                self.caps.record_bytes
            ));
        }
        if too_many_fields {
            return reject(format!("record has more than {MAX_FIELDS} fields"));
        }
        let mut fields = Vec::with_capacity(nends);
        let mut start = 0;
        for (i, &end) in self.ends[..nends].iter().enumerate() {
            let bytes = &self.out[start..end];
            if bytes.len() > self.caps.field_bytes {
                return reject(format!(
                    "field {} is larger than the {} byte limit",
                    i + 1,
                    self.caps.field_bytes
                ));
            }
            match std::str::from_utf8(bytes) {
                Ok(s) => fields.push(s.to_string()),
                Err(_) => return reject(format!("field {} is not valid UTF-8", i + 1)),
            }
            start = end;
        }
        Item::Record {
            line,
            fields,
            bytes: nout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str, caps: Caps) -> Vec<String> {
        let mut r = Records::new(text.as_bytes(), caps);
        let mut out = vec![];
        while let Some(item) = r.next_item().unwrap() {
            out.push(match item {
                Item::Record { line, fields, .. } => format!("{line}:{}", fields.join("|")),
                Item::Rejected { line, reason } => format!("{line}!{reason}"),
            });
        }
        out
    }

    #[test]
    fn records_keep_their_start_line_and_oversized_ones_are_skipped() {
        let caps = Caps {
            field_bytes: 10,
            record_bytes: 16,
        };
        let text =
            "a,b\n\"multi\nline\",x\n123456789ab,y\nok,z\n0123456789abcdef0123,w\nlast,\u{e9}\n";
        assert_eq!(
            items(text, caps),
            vec![
                "1:a|b",
                "2:multi\nline|x",
                "4!field 1 is larger than the 10 byte limit",
                "5:ok|z",
                "6!record larger than the 16 byte limit",
                "7:last|\u{e9}",
            ]
        );
    }

    #[test]
    fn an_unterminated_quote_is_reported_with_the_line_it_opened_on() {
        let caps = Caps {
            field_bytes: 1024,
            record_bytes: 1024,
        };
        let text = "a,b\nok,\"5\"\" screen\"\nbad,\"never closed\nc,d\ne,f\n";
        let got = items(text, caps);
        assert_eq!(got[..2], ["1:a|b", "2:ok|5\" screen"]);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[2].starts_with("3!unterminated quote") && got[2].contains("lines 3 to 5"),
            "{got:?}"
        );
        // A last line with a quote inside an unquoted field is a record like any other.
        assert_eq!(items("a,b\n5\" x,y", caps), ["1:a|b", "2:5\" x|y"]);
    }

    #[test]
    fn a_header_over_the_cap_is_refused_before_its_end() {
        let caps = Caps {
            field_bytes: 8,
            record_bytes: 16,
        };
        let mut text = "h".repeat(64 * 1024).into_bytes();
        text.extend_from_slice(b"\nrest\n");
        let mut input = std::io::Cursor::new(&text[..]);
        {
            let mut r = Records::new(&mut input, caps);
            let header = r.header().unwrap();
            assert!(
                matches!(&header, Some(Item::Rejected { line: 1, reason }) if reason.contains("header is larger")),
                "{header:?}"
            );
        }
        let read = input.position();
        assert!(read < 1024, "{read} bytes of a 64 KiB header were read");
    }

    #[test]
    fn invalid_utf8_is_one_bad_record() {
        let caps = Caps {
            field_bytes: 64,
            record_bytes: 64,
        };
        let mut r = Records::new(&b"a,\xff\nb,c\n"[..], caps);
        assert!(matches!(
            r.next_item().unwrap(),
            Some(Item::Rejected { line: 1, .. })
        ));
        assert!(matches!(
            r.next_item().unwrap(),
            Some(Item::Record { line: 2, .. })
        ));
        assert!(r.next_item().unwrap().is_none());
    }
}

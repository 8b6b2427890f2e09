//! The stable driver's input generator: real seed inputs mutated with the
//! edits that reach parser corners (splices of two seeds, repeated and
//! deleted ranges, tokens each grammar cares about, deep nesting, bytes).

pub mod seeds;

/// Tokens that mean something to one of the parsers.
const DICTIONARY: &[&str] = &[
    "\n",
    "\r\n",
    " ",
    "|",
    "| ID | Title |\n|---|---|\n",
    "###",
    "## 1. ",
    "# ",
    "- ",
    "> ",
    "* ",
    "`",
    "```",
    "```mermaid\n",
    "\n```\n",
    "[",
    "]",
    "(",
    ")",
    "](",
    "](#",
    "<!-- specplan:begin x -->",
    "<!-- specplan:end x -->",
    "FR-AUTH-01",
    "NFR-AUTH-1",
    "US-AUTH-001",
    "UC-",
    "-AUTH-",
    "GET /a/{id}",
    "**Status:** ",
    "**Version:** ",
    "Given ",
    "When ",
    "Then ",
    "#[implements(",
    "#[verifies(",
    "#[cfg_attr(test, ",
    ")]",
    "\"",
    "\\\"",
    "r#\"",
    "\"#",
    "{",
    "}",
    "<",
    ">",
    "'",
    "//",
    "/*",
    "*/",
    "fn f() {}",
    "impl S {",
    "mod m {",
    "\u{feff}",
    "#!",
    ",",
    "=",
    "[docs]\n",
    "[[domains]]\n",
    "name = \"auth\"\n",
    "prefix = ",
    "root = ",
    "\"..\"",
    "{\"tasks\": [",
    "\"task_order\": ",
    "null",
    "1e999",
    "é",
    "\u{2028}",
];

/// A deterministic stream of inputs from seeds.
pub struct Mutator {
    rng: fastrand::Rng,
    seeds: Vec<Vec<u8>>,
    /// The largest input produced.
    pub max_len: usize,
}

impl Mutator {
    pub fn new(seed: u64, seeds: Vec<Vec<u8>>) -> Mutator {
        Mutator {
            rng: fastrand::Rng::with_seed(seed),
            seeds: if seeds.is_empty() {
                vec![Vec::new()]
            } else {
                seeds
            },
            max_len: 16 * 1024,
        }
    }

    /// The next input: a seed with one to eight edits.
    pub fn next_input(&mut self) -> Vec<u8> {
        let mut data = self.seeds[self.rng.usize(..self.seeds.len())].clone();
        for _ in 0..self.rng.usize(1..=8) {
            self.edit(&mut data);
        }
        data.truncate(self.max_len);
        data
    }

    fn range(&mut self, len: usize) -> std::ops::Range<usize> {
        if len == 0 {
            return 0..0;
        }
        let a = self.rng.usize(..=len);
        let b = (a + self.rng.usize(..=64.min(len))).min(len);
        a..b
    }

    fn edit(&mut self, data: &mut Vec<u8>) {
        let len = data.len();
        match self.rng.u8(..9) {
            0 => {
                let r = self.range(len);
                data.drain(r);
            }
            1 => {
                let r = self.range(len);
                let copy = data[r].to_vec();
                let at = self.rng.usize(..=data.len());
                data.splice(at..at, copy);
            }
            2 | 3 => {
                let token = DICTIONARY[self.rng.usize(..DICTIONARY.len())].as_bytes();
                let at = self.rng.usize(..=len);
                data.splice(at..at, token.iter().copied());
            }
            4 => {
                if len > 0 {
                    let at = self.rng.usize(..len);
                    data[at] = self.rng.u8(..);
                }
            }
            5 => {
                // Splice in part of another seed.
                let other = &self.seeds[self.rng.usize(..self.seeds.len())];
                let a = self.rng.usize(..=other.len());
                let b = (a + self.rng.usize(..=512)).min(other.len());
                let piece = other[a..b].to_vec();
                let at = self.rng.usize(..=len);
                data.splice(at..at, piece);
            }
            6 => {
                // Nesting: a token repeated.
                let token = ["(", "[", "{", "> ", "- ", "*", "  - ", "#[a("][self.rng.usize(..8)]
                    .repeat(self.rng.usize(1..200));
                let at = self.rng.usize(..=len);
                data.splice(at..at, token.bytes());
            }
            7 => {
                // A line repeated.
                let start = data[..self.rng.usize(..=len)]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = data[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(len, |i| start + i + 1);
                let line = data[start..end].to_vec();
                for _ in 0..self.rng.usize(1..20) {
                    data.splice(start..start, line.iter().copied());
                }
            }
            _ => data.truncate(self.rng.usize(..=len)),
        }
    }
}

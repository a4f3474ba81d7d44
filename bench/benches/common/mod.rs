//! The one generator of the micro-benchmarks: made-up words and labels from a seeded PRNG, so
//! runs are comparable.
use fastrand::Rng;

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "ta", "vo", "xi", "ze", "qua", "bri", "dor", "fen", "gul", "hap",
    "jin", "kor", "lux", "mor", "nix", "sys", "net", "dev", "ops", "ing", "ment",
];

/// A seeded generator.
pub fn rng() -> Rng {
    Rng::with_seed(0x5eed_1234_abcd_ef01)
}

/// A made-up word of 2 to 4 syllables.
pub fn word(rng: &mut Rng) -> String {
    (0..rng.usize(2..5))
        .map(|_| SYLLABLES[rng.usize(..SYLLABLES.len())])
        .collect()
}

/// A label of `1..=max_words` made-up words.
pub fn label(rng: &mut Rng, max_words: usize) -> String {
    (0..rng.usize(1..=max_words))
        .map(|_| word(rng))
        .collect::<Vec<_>>()
        .join(" ")
}

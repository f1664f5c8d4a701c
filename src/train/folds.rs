//! Deterministic randomness for training: a seeded generator, stratified folds and
//! minority-class oversampling.

use crate::data::Label;

/// A small deterministic generator (SplitMix64) for folds and resampling.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Shuffle in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// Stratified fold assignment: each class shuffled with `seed`, then dealt round-robin.
/// Returns the fold (0..k) of each example.
pub fn stratified_folds(labels: &[Label], k: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; labels.len()];
    let mut rng = SplitMix::new(seed);
    let mut next = 0;
    for class in [Label::Fact, Label::Opinion] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut idx);
        for i in idx {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// Extra row indices that balance the classes by duplicating minority rows.
pub fn oversample(labels: &[Label], seed: u64) -> Vec<usize> {
    let opinion: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] == Label::Opinion)
        .collect();
    let fact: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] == Label::Fact)
        .collect();
    let (minority, gap) = if opinion.len() < fact.len() {
        (
            opinion,
            fact.len() - labels.iter().filter(|&&l| l == Label::Opinion).count(),
        )
    } else {
        (fact.clone(), opinion.len() - fact.len())
    };
    let mut rng = SplitMix::new(seed ^ 0x5eed);
    (0..gap)
        .map(|_| minority[rng.below(minority.len())])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_seeded() {
        let labels: Vec<Label> = (0..20)
            .map(|i| {
                if i % 4 == 0 {
                    Label::Opinion
                } else {
                    Label::Fact
                }
            })
            .collect();
        let folds = stratified_folds(&labels, 5, 7);
        for f in 0..5 {
            let members: Vec<usize> = (0..20).filter(|&i| folds[i] == f).collect();
            assert_eq!(members.len(), 4);
            assert_eq!(
                members
                    .iter()
                    .filter(|&&i| labels[i] == Label::Opinion)
                    .count(),
                1
            );
        }
        assert_eq!(folds, stratified_folds(&labels, 5, 7));
        assert_ne!(folds, stratified_folds(&labels, 5, 8));
    }

    #[test]
    fn oversample_balances() {
        let labels = [Label::Fact, Label::Fact, Label::Fact, Label::Opinion];
        let extra = oversample(&labels, 1);
        assert_eq!(extra, vec![3, 3]);
    }
}

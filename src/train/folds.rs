//! Deterministic randomness for training: a seeded generator, stratified folds and
//! minority-class oversampling.

use crate::label::Label;

/// A small deterministic generator (SplitMix64) for folds and resampling.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix(seed)
    }
    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Shuffle in place (Fisher–Yates).
    pub(crate) fn shuffle<T>(&mut self, xs: &mut [T]) {
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

/// Why `k`-fold cross-validation of rows with `fact` and `opinion` rows of each label
/// cannot train every fold model on both labels, if it cannot. `inner_folds` is the
/// number of folds each fold model chooses its threshold by (`None`: a fixed threshold).
///
/// [`stratified_folds`] deals each label's rows round-robin, so a fold holds at most
/// ⌈m/k⌉ of a label's m rows and a fold model trains on at least m − ⌈m/k⌉ of them;
/// its inner threshold folds, dealt the same way, need at least 2 of each.
pub(crate) fn cv_shortfall(
    fact: usize,
    opinion: usize,
    k: usize,
    inner_folds: Option<usize>,
) -> Option<String> {
    let fewest = |m: usize| m - m.div_ceil(k.max(1));
    let needed = if inner_folds.is_some() { 2 } else { 1 };
    let rows = format!("{fact} fact and {opinion} opinion rows");
    for (label, m) in [("fact", fact), ("opinion", opinion)] {
        if m == 0 {
            return Some(format!(
                "cross-validation needs both labels; the data has {rows}"
            ));
        }
        if fewest(m) < needed {
            let least = (m..).find(|&n| fewest(n) >= needed).unwrap_or(m);
            let why = match inner_folds {
                Some(inner) if fewest(m) > 0 => format!(
                    "a fold model would train on only {} {label} row, too few to choose its threshold by {inner} inner folds",
                    fewest(m)
                ),
                _ => format!("a fold model would train on no {label} row"),
            };
            return Some(format!(
                "{k}-fold cross-validation of {rows}: {why}; --cv {k} needs at least {least} rows of each label{}",
                if inner_folds.is_some() { " (or --fixed-threshold)" } else { "" }
            ));
        }
    }
    None
}

/// Extra row indices that balance the classes by duplicating minority rows.
pub(crate) fn oversample(labels: &[Label], seed: u64) -> Vec<usize> {
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
    fn cv_shortfall_says_what_is_true_of_the_whole_data() {
        // The inner threshold folds of a fold model trained on 1 opinion row once
        // reported "13 fact and 0 opinion" for data with 20 and 2.
        assert_eq!(
            cv_shortfall(20, 2, 5, Some(5)).unwrap(),
            "5-fold cross-validation of 20 fact and 2 opinion rows: a fold model would train on only 1 opinion row, too few to choose its threshold by 5 inner folds; --cv 5 needs at least 3 rows of each label (or --fixed-threshold)"
        );
        assert_eq!(
            cv_shortfall(20, 1, 5, None).unwrap(),
            "5-fold cross-validation of 20 fact and 1 opinion rows: a fold model would train on no opinion row; --cv 5 needs at least 2 rows of each label"
        );
        assert_eq!(
            cv_shortfall(0, 4, 2, None).unwrap(),
            "cross-validation needs both labels; the data has 0 fact and 4 opinion rows"
        );
        assert_eq!(cv_shortfall(20, 2, 5, None), None);
        assert_eq!(cv_shortfall(20, 3, 5, Some(5)), None);
        // Two folds of 3 fact rows: one fold model trains on only 1 of them.
        assert_eq!(cv_shortfall(4, 20, 2, Some(5)), None);
        assert!(cv_shortfall(3, 20, 2, Some(5)).is_some());
        // The rule is exact: every fold model, and every inner threshold fold within
        // it, trains on both labels exactly when no shortfall is reported.
        for k in 2..7 {
            for inner in [None, Some(2), Some(3), Some(5)] {
                for fact in 1..12 {
                    for opinion in 1..12 {
                        let labels: Vec<Label> = std::iter::repeat_n(Label::Fact, fact)
                            .chain(std::iter::repeat_n(Label::Opinion, opinion))
                            .collect();
                        if k > labels.len() {
                            continue;
                        }
                        let both = |ls: &[Label]| {
                            ls.contains(&Label::Fact) && ls.contains(&Label::Opinion)
                        };
                        let folds = stratified_folds(&labels, k, 3);
                        let ok = (0..k).all(|f| {
                            let train: Vec<Label> = (0..labels.len())
                                .filter(|&i| folds[i] != f)
                                .map(|i| labels[i])
                                .collect();
                            both(&train)
                                && inner.is_none_or(|k2| {
                                    let inner_folds = stratified_folds(&train, k2, 3);
                                    (0..k2).all(|g| {
                                        let t: Vec<Label> = (0..train.len())
                                            .filter(|&i| inner_folds[i] != g)
                                            .map(|i| train[i])
                                            .collect();
                                        both(&t)
                                    })
                                })
                        });
                        assert_eq!(
                            cv_shortfall(fact, opinion, k, inner).is_none(),
                            ok,
                            "k {k}, inner {inner:?}, {fact} fact, {opinion} opinion"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn oversample_balances() {
        let labels = [Label::Fact, Label::Fact, Label::Fact, Label::Opinion];
        let extra = oversample(&labels, 1);
        assert_eq!(extra, vec![3, 3]);
    }
}

//! The monthly call-back sample (回访): at least `min_percent` of the month's closed complaints
//! chosen at random, plus every major (重大) one. The draw is seeded, and the seed is stored
//! with the sample, so the same month always gives the same list and an auditor can re-run it.
//! The generator is SplitMix64, written out here so its output never changes with a
//! dependency's version.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackCandidate {
    pub id: i64,
    pub major: bool,
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0), without modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// The ids to call back, ascending. Input order does not matter.
pub fn draw_callback_sample(
    candidates: &[CallbackCandidate],
    seed: u64,
    min_percent: u32,
) -> Vec<i64> {
    let mut sample: Vec<i64> = candidates
        .iter()
        .filter(|c| c.major)
        .map(|c| c.id)
        .collect();
    let mut others: Vec<i64> = candidates
        .iter()
        .filter(|c| !c.major)
        .map(|c| c.id)
        .collect();
    others.sort_unstable();
    others.dedup();
    sample.sort_unstable();
    sample.dedup();
    let total = sample.len() + others.len();
    let required = (total * min_percent.min(100) as usize).div_ceil(100);
    let mut rng = SplitMix64(seed);
    // Partial Fisher–Yates: the first k of `others` become a uniform random k-subset.
    let k = required.saturating_sub(sample.len()).min(others.len());
    for i in 0..k {
        let j = i + rng.below((others.len() - i) as u64) as usize;
        others.swap(i, j);
    }
    sample.extend_from_slice(&others[..k]);
    sample.sort_unstable();
    sample
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases(rng: &mut SplitMix64, n: usize) -> Vec<CallbackCandidate> {
        (0..n)
            .map(|i| CallbackCandidate {
                id: i as i64 * 7 + 3,
                major: rng.below(10) == 0,
            })
            .collect()
    }

    #[test]
    fn property_at_least_half_all_major_and_reproducible() {
        let mut gen = SplitMix64(42);
        for round in 0..500 {
            let n = gen.below(120) as usize;
            let list = cases(&mut gen, n);
            let seed = gen.next();
            let sample = draw_callback_sample(&list, seed, 50);
            assert!(
                sample.len() * 2 >= n,
                "round {round}: {} of {n}",
                sample.len()
            );
            for c in list.iter().filter(|c| c.major) {
                assert!(
                    sample.contains(&c.id),
                    "round {round}: major {} missing",
                    c.id
                );
            }
            assert!(sample.iter().all(|id| list.iter().any(|c| c.id == *id)));
            let mut reversed = list.clone();
            reversed.reverse();
            assert_eq!(
                draw_callback_sample(&reversed, seed, 50),
                sample,
                "same seed, same sample"
            );
        }
    }

    #[test]
    fn different_seeds_draw_different_samples() {
        let list: Vec<_> = (1..=40)
            .map(|id| CallbackCandidate { id, major: false })
            .collect();
        let a = draw_callback_sample(&list, 1, 50);
        let b = draw_callback_sample(&list, 2, 50);
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
    }

    #[test]
    fn edge_cases() {
        assert!(draw_callback_sample(&[], 7, 50).is_empty());
        let one = [CallbackCandidate {
            id: 9,
            major: false,
        }];
        assert_eq!(draw_callback_sample(&one, 7, 50), vec![9]);
        let majors: Vec<_> = (1..=5)
            .map(|id| CallbackCandidate { id, major: true })
            .collect();
        assert_eq!(draw_callback_sample(&majors, 7, 50), vec![1, 2, 3, 4, 5]);
        let all: Vec<_> = (1..=5)
            .map(|id| CallbackCandidate { id, major: false })
            .collect();
        assert_eq!(draw_callback_sample(&all, 7, 100).len(), 5);
    }
}

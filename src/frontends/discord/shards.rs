//! `DISCORD_SHARDS`: which of the bot's gateway shards this process runs,
//! so replicas split them by configuration (see the module above).

use super::SHARDS_ENV;

/// The most shards a [`ShardPlan`] counts: Discord asks for one per 1,000
/// to 2,500 servers, so this serves tens of millions.
pub const MAX_SHARDS: u32 = 65_536;
/// The most shards one process runs: each is a WebSocket session of its
/// own, and a larger bot splits them between replicas anyway.
pub const MAX_SHARDS_HERE: u32 = 1_024;

/// Which shards this process runs: `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardPlan {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl std::str::FromStr for ShardPlan {
    type Err = anyhow::Error;

    /// Reads `FIRST-LAST/TOTAL` or `ID/TOTAL`.
    fn from_str(text: &str) -> anyhow::Result<Self> {
        let bad =
            || anyhow::anyhow!("{SHARDS_ENV}={text:?}: expected FIRST-LAST/TOTAL, e.g. 0-1/4");
        let (range, total) = text.trim().split_once('/').ok_or_else(bad)?;
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let number = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
        let plan = Self {
            first: number(first)?,
            last: number(last)?,
            total: number(total)?,
        };
        // Discord closes a session whose shard id is outside 0..total (4010).
        anyhow::ensure!(
            plan.first <= plan.last && plan.last < plan.total,
            "{SHARDS_ENV}={text:?}: shards must satisfy FIRST <= LAST < TOTAL"
        );
        // serenity queues every shard of the range at start, so a hostile
        // `0-4000000000/4000000001` would take the memory of the host.
        anyhow::ensure!(
            plan.total <= MAX_SHARDS && plan.last - plan.first < MAX_SHARDS_HERE,
            "{SHARDS_ENV}={text:?}: at most {MAX_SHARDS} shards in all, and {MAX_SHARDS_HERE} in one process"
        );
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::ShardPlan;

    #[test]
    fn a_range_and_a_single_shard_are_read() {
        let plan = |first, last, total| ShardPlan { first, last, total };
        assert_eq!("0-1/4".parse::<ShardPlan>().unwrap(), plan(0, 1, 4));
        assert_eq!(" 2/4 ".parse::<ShardPlan>().unwrap(), plan(2, 2, 4));
    }

    #[test]
    fn shards_outside_the_total_or_garbage_are_refused() {
        for bad in [
            "2-4/4",
            "3-1/4",
            "0/0",
            "1-2",
            "a-b/c",
            "0-1/",
            "0/4294967295",
            "0-1024/2048",
        ] {
            assert!(bad.parse::<ShardPlan>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_largest_plans_taken_are_at_the_bounds() {
        assert!("0-1023/65536".parse::<ShardPlan>().is_ok());
        let err = "0-4000000000/4000000001".parse::<ShardPlan>().unwrap_err();
        assert!(err.to_string().contains("at most 65536 shards"), "{err}");
    }
}

-- How many members hold each points value on each board (issue 15: a
-- leaderboard p99 under 10 ms at 100k members). A rank is then 1 + a sum
-- over the distinct points values above it (a few hundred rows), and a
-- board's size a sum over all of them, instead of counting up to 100k
-- board_totals entries per reply. A trigger on board_totals keeps it in
-- step, so every writer (answers, re-grades, seasons, forget me, import,
-- a cascade from a deleted server) maintains it without knowing it exists.
CREATE TABLE board_counts (
    guild_id bigint NOT NULL,   -- the server, as board_totals.guild_id (no foreign key: the trigger removes a server's counts with its totals)
    scope    text NOT NULL,     -- which board, as board_totals.scope
    points   bigint NOT NULL,   -- one points value; only values above 0 are kept, as boards rank only those
    shard    smallint NOT NULL, -- member_id % 16: concurrent answers update 16 rows per value, not one, so the daily burst does not queue on a single row lock
    members  bigint NOT NULL,   -- how many members of this shard have exactly `points` on the board (0 once all have moved on)
    PRIMARY KEY (guild_id, scope, points, shard)
);

CREATE FUNCTION board_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Old value first, then new: with points only rising, every transaction
    -- takes its row locks in increasing points order, so two cannot deadlock.
    IF TG_OP <> 'INSERT' AND OLD.points > 0 THEN
        UPDATE board_counts SET members = members - 1
        WHERE guild_id = OLD.guild_id AND scope = OLD.scope AND points = OLD.points
          AND shard = OLD.member_id % 16;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.points > 0 THEN
        INSERT INTO board_counts (guild_id, scope, points, shard, members)
        VALUES (NEW.guild_id, NEW.scope, NEW.points, NEW.member_id % 16, 1)
        ON CONFLICT (guild_id, scope, points, shard)
        DO UPDATE SET members = board_counts.members + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER board_counts_follow
AFTER INSERT OR UPDATE OF points OR DELETE ON board_totals
FOR EACH ROW EXECUTE FUNCTION board_counts_follow();

INSERT INTO board_counts (guild_id, scope, points, shard, members)
SELECT guild_id, scope, points, member_id % 16, count(*)
FROM board_totals WHERE points > 0 GROUP BY 1, 2, 3, 4;

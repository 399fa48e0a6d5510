-- How many members hold each (answers, correct) pair on each accuracy
-- board (issue 15: every board's p99 under 10 ms at 100k members and 5M
-- answers). The accuracy board's rank was a count of the qualifying
-- members with a higher share, tens of thousands of index entries for a
-- member in the middle (p99 11-15 ms); it is now a sum over the pairs
-- above, and the top of the board is found from the first pairs. Derived,
-- like board_counts: a trigger on accuracy_totals keeps it, so every writer
-- (answers, re-grades, forget me, import, a deleted server) maintains it
-- without knowing, and it can be rebuilt from accuracy_totals at any time.
CREATE TABLE accuracy_counts (
    guild_id bigint NOT NULL,   -- the server, as accuracy_totals.guild_id (no foreign key, like board_counts: the trigger removes a server's rows with its totals)
    scope    text NOT NULL,     -- which board, as accuracy_totals.scope ('all', 'w:MONDAY', 'm:FIRST')
    answers  bigint NOT NULL,   -- a scored-answers count, as accuracy_totals.answers
    correct  bigint NOT NULL,   -- a right-answers count, as accuracy_totals.correct
    shard    smallint NOT NULL, -- accuracy_counts_shard(answers, member_id): member_id % 16 below 16 answers, fewer shards above (see the function)
    members  bigint NOT NULL,   -- how many members of this shard have exactly this pair; always above 0 (a row that reaches 0 is deleted, so the rows stay the pairs in use)
    PRIMARY KEY (guild_id, scope, answers, correct, shard)
);

-- Which of a pair's rows counts a member. Few answers (everyone's first
-- answers of a week, all in a handful of pairs) are where concurrent
-- answers meet: there a pair is split into 16 rows by member, so a burst
-- queues on 16 row locks per pair rather than one (as board_counts). With
-- more answers the members spread over many more pairs (answers + 1 each),
-- so the split halves every 16 answers and stops at 64: a rank sums about
-- as many rows as there are pairs in use, not 16 times that.
CREATE FUNCTION accuracy_counts_shard(answers bigint, member bigint) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (member % (16 >> least(greatest(answers, 0) / 16, 4)::int))::smallint
$$;

-- Moves one member's row of accuracy_totals from its old pair to its new
-- one. The lower pair's row is locked first, whichever way the member
-- moves, and the answer trigger counts the scopes in one fixed order, so
-- two answers (or an answer and a re-grade) cannot deadlock here.
CREATE FUNCTION accuracy_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    up boolean := TG_OP = 'INSERT'
        OR (TG_OP = 'UPDATE' AND (OLD.answers, OLD.correct) < (NEW.answers, NEW.correct));
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.answers, OLD.correct) = (NEW.answers, NEW.correct) THEN
        RETURN NULL;
    END IF;
    IF up AND TG_OP = 'UPDATE' THEN
        PERFORM accuracy_counts_add(OLD.guild_id, OLD.scope, OLD.answers, OLD.correct, OLD.member_id, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM accuracy_counts_add(NEW.guild_id, NEW.scope, NEW.answers, NEW.correct, NEW.member_id, 1);
    END IF;
    IF NOT up THEN
        PERFORM accuracy_counts_add(OLD.guild_id, OLD.scope, OLD.answers, OLD.correct, OLD.member_id, -1);
    END IF;
    RETURN NULL;
END
$$;

-- Counts (sign 1) or uncounts (sign -1) one member in a pair's shard row.
CREATE FUNCTION accuracy_counts_add(g bigint, s text, a bigint, c bigint, member bigint, sign int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    left_over bigint;
BEGIN
    IF sign > 0 THEN
        INSERT INTO accuracy_counts (guild_id, scope, answers, correct, shard, members)
        VALUES (g, s, a, c, accuracy_counts_shard(a, member), 1)
        ON CONFLICT (guild_id, scope, answers, correct, shard)
        DO UPDATE SET members = accuracy_counts.members + 1;
        RETURN;
    END IF;
    UPDATE accuracy_counts SET members = members - 1
    WHERE guild_id = g AND scope = s AND answers = a AND correct = c AND shard = accuracy_counts_shard(a, member)
    RETURNING members INTO left_over;
    -- The row is locked by the update above, so no one else can count a
    -- member into it before it goes; an insert waiting on it inserts anew.
    IF left_over = 0 THEN
        DELETE FROM accuracy_counts
        WHERE guild_id = g AND scope = s AND answers = a AND correct = c AND shard = accuracy_counts_shard(a, member);
    END IF;
END
$$;

CREATE TRIGGER accuracy_counts_follow
AFTER INSERT OR UPDATE OF answers, correct OR DELETE ON accuracy_totals
FOR EACH ROW EXECUTE FUNCTION accuracy_counts_follow();

INSERT INTO accuracy_counts (guild_id, scope, answers, correct, shard, members)
SELECT guild_id, scope, answers, correct, accuracy_counts_shard(answers, member_id), count(*)
FROM accuracy_totals GROUP BY 1, 2, 3, 4, 5;

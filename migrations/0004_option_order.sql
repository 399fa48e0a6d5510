-- Options of choice and true/false questions are shown in an order shuffled
-- per post, so their position in the bank file gives nothing away. The seed
-- of that order is stored with the post, so everyone who sees the post, the
-- grading of a typed letter, the feedback and the reveal all use one order,
-- across restarts and redeliveries.
ALTER TABLE posts
    ADD COLUMN option_seed bigint; -- seeds the shown order of the question's options; NULL: file order (posts from before this migration)
COMMENT ON COLUMN posts.option_seed IS 'Seed of the order the question''s options are shown in (ChaCha8 shuffle of the file order); NULL means file order, as posts made before shuffling were shown.';

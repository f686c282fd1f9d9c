-- The height of the block whose committed membership transaction removed the member (NULL: a member, or never
-- removed). A member added again is a member again (NULL). Kept, not deleted: the registry is the node's record of
-- who was in the consortium.
ALTER TABLE node_registry ADD COLUMN removed_at_height bigint;

-- The access rule of contracts/raw-sources.md, the one definition every read path is built from.
-- A row is visible iff the user's clearance reaches its classification and it is open to all
-- member countries, owned by the user's country, or restricted to a list naming it; the
-- General Secretariat (role secretariat) sees every row up to its clearance.
-- Bound per user: :user_country, :user_clearance_rank (public 0 … confidential 3), :user_is_secretariat;
-- :classification_rank is the row's rank, a CASE over pipelines.vocabulary.CLASSIFICATIONS (insight/access.py).
:classification_rank <= :user_clearance_rank
AND (
  :user_is_secretariat
  OR restricted_to IS NULL
  OR cardinality(restricted_to) = 0
  OR owner_country = :user_country
  OR contains(restricted_to, :user_country)
)

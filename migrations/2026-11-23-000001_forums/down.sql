DROP TABLE topic_reads;
DROP TABLE category_watches;
DROP TABLE topic_watches;
DROP TABLE post_revisions;
DROP TABLE posts;
DROP TABLE topics;
DROP TABLE categories;
DROP TABLE club_members;

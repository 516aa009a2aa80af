DROP TABLE member_counts;

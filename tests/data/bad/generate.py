#!/usr/bin/env python3
"""generate.py - writes the bad-input catalogue: one directory per case
with the files of a small data set, one of them malformed, and cases.txt
listing NAME|STATUS|MESSAGE SUBSTRING|OPTIONS (options as k=v;k=v).
tests/test_bad_input.c loads each directory and checks the status and
that vc_last_error() holds the substring. Run it from this directory after
editing a case; the generated files are committed."""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

ML1M = {
    "users.dat": "1::F::1::10::48067\n2::M::56::16::70072\n",
    "movies.dat": "1::Toy Story (1995)::Animation|Comedy\n2::Heat (1995)::Action\n",
    "ratings.dat": "1::1::5::978300760\n2::2::3::978300761\n",
}
ML100K = {
    "u.user": "1|24|M|technician|85711\n2|53|F|other|94043\n",
    "u.item": "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n",
    "u.data": "1\t1\t4\t874965758\n2\t1\t5\t874965759\n",
}
LATEST = {
    "movies.csv": "movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n",
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n",
}
MERCHANT = {
    "events.csv": "user,item,event,quantity,price,time\n"
                  "c1,p1,purchase,2,3.5,2011-01-02 10:00:00\n",
}

cases = []


def case(name, base, status, message, edits, options=""):
    files = dict(base)
    files.update(edits)
    d = os.path.join(HERE, name)
    os.makedirs(d)
    for fname, content in files.items():
        if content is None:
            continue
        with open(os.path.join(d, fname), "wb") as f:
            f.write(content.encode("latin-1") if isinstance(content, str) else content)
    cases.append("%s|%s|%s|%s" % (name, status, message, options))


def main():
    for entry in os.listdir(HERE):
        p = os.path.join(HERE, entry)
        if os.path.isdir(p):
            shutil.rmtree(p)
    r = "ratings.dat"
    case("ml1m_three_fields", ML1M, "PARSE", "ratings.dat:2: expected 4 fields",
         {r: "1::1::5::978300760\n1::2::5\n"})
    case("ml1m_five_fields", ML1M, "PARSE", "ratings.dat:1: expected 4 fields",
         {r: "1::1::5::978300760::9\n"})
    case("ml1m_user_id_text", ML1M, "PARSE", "user id 'x' is not a whole number",
         {r: "x::1::5::978300760\n"})
    case("ml1m_item_id_negative", ML1M, "PARSE", "item id '-3' is not a whole number",
         {r: "1::-3::5::978300760\n"})
    case("ml1m_rating_six", ML1M, "PARSE", "rating 6 is out of range",
         {r: "1::1::6::978300760\n"})
    case("ml1m_rating_zero", ML1M, "PARSE", "rating 0 is out of range",
         {r: "1::1::0::978300760\n"})
    case("ml1m_rating_text", ML1M, "PARSE", "rating 'five' is not a number",
         {r: "1::1::five::978300760\n"})
    case("ml1m_time_text", ML1M, "PARSE", "timestamp 'yesterday'",
         {r: "1::1::5::yesterday\n"})
    case("ml1m_time_exponent", ML1M, "PARSE", "timestamp '9.7e8'",
         {r: "1::1::5::9.7e8\n"})
    case("ml1m_unknown_user", ML1M, "PARSE", "ratings.dat:2: unknown user 99",
         {r: "1::1::5::978300760\n99::1::5::978300760\n"})
    case("ml1m_unknown_item", ML1M, "PARSE", "ratings.dat:1: unknown item 42",
         {r: "1::42::5::978300760\n"})
    case("ml1m_gender", ML1M, "PARSE", "users.dat:2: gender 'X' is not M or F",
         {"users.dat": "1::F::1::10::48067\n2::X::56::16::70072\n"})
    case("ml1m_age_code", ML1M, "PARSE", "age code '30'",
         {"users.dat": "1::F::30::10::48067\n"})
    case("ml1m_occupation_code", ML1M, "PARSE", "occupation code '21'",
         {"users.dat": "1::F::1::21::48067\n"})
    case("ml1m_users_four_fields", ML1M, "PARSE", "users.dat:1: expected 5 fields",
         {"users.dat": "1::F::1::10\n"})
    case("ml1m_user_twice", ML1M, "PARSE", "users.dat:2: user 1 is defined twice",
         {"users.dat": "1::F::1::10::48067\n1::M::56::16::70072\n"})
    case("ml1m_movies_two_fields", ML1M, "PARSE", "movies.dat:1: expected 3 fields",
         {"movies.dat": "1::Toy Story (1995)\n"})
    case("ml1m_movie_id_text", ML1M, "PARSE", "item id 'abc' is not a whole number",
         {"movies.dat": "abc::Toy Story (1995)::Comedy\n"})
    case("ml1m_movie_twice", ML1M, "PARSE", "movies.dat:2: item 1 is defined twice",
         {"movies.dat": "1::A (1995)::Comedy\n1::B (1995)::Drama\n"})
    case("ml1m_empty_ratings", ML1M, "PARSE", "ratings.dat: the file is empty", {r: ""})
    case("ml1m_blank_ratings", ML1M, "PARSE", "ratings.dat: no ratings in the file",
         {r: "\n\n  \n"})
    case("ml1m_truncated", ML1M, "PARSE", "ratings.dat:2: expected 4 fields",
         {r: "1::1::5::978300760\n2::2::"})
    case("ml1m_nul_in_title", ML1M, "PARSE", "movies.dat:1: title: text holds a NUL byte",
         {"movies.dat": b"1::Toy\x00Story::Comedy\n"})
    case("ml1m_no_ratings_file", ML1M, "IO", "ratings.dat: cannot open", {r: None})
    case("ml100k_spaces", ML100K, "PARSE", "u.data:1: expected 4 fields separated by '\\t'",
         {"u.data": "1 1 4 874965758\n"})
    case("ml100k_age_text", ML100K, "PARSE", "u.user:1: age 'old'",
         {"u.user": "1|old|M|technician|85711\n"})
    case("ml100k_gender", ML100K, "PARSE", "u.user:1: gender 'W'",
         {"u.user": "1|24|W|technician|85711\n"})
    case("ml100k_genre_flag", ML100K, "PARSE", "u.item:1: genre flag 3 is '2'",
         {"u.item": "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|2|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"})
    case("ml100k_item_fields", ML100K, "PARSE", "u.item:1: expected 24 fields",
         {"u.item": "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0\n"})
    case("ml100k_genre_index", ML100K, "PARSE", "u.genre:2: genre index '99'",
         {"u.genre": "unknown|0\nAction|99\n"})
    case("ml100k_genre_unnamed", ML100K, "PARSE",
         "u.item:1: genre flag 3 is set but u.genre names no genre 3",
         {"u.genre": "unknown|0\nAction|1\n"})
    case("ml100k_time_span", ML100K, "RANGE", "span more than 136 years",
         {"u.data": "1\t1\t4\t0\n2\t1\t5\t5000000000\n"})
    case("latest_header", LATEST, "PARSE",
         "ratings.csv:1: expected the header 'userId,movieId,rating,timestamp'",
         {"ratings.csv": "user,movie,rating,time\n1,1,4.0,964982703\n"})
    case("latest_rating_over", LATEST, "PARSE", "ratings.csv:2: rating 5.5 is out of range",
         {"ratings.csv": "userId,movieId,rating,timestamp\n1,1,5.5,964982703\n"})
    case("latest_unterminated", LATEST, "PARSE", "movies.csv:2: unterminated quoted field",
         {"movies.csv": "movieId,title,genres\n1,\"Toy Story (1995),Comedy\n"})
    case("latest_quote_garbage", LATEST, "PARSE", "movies.csv:2: unexpected character 'x' after a closing quote",
         {"movies.csv": "movieId,title,genres\n1,\"Toy\"x,Comedy\n"})
    case("latest_bad_utf8", LATEST, "PARSE", "movies.csv:2: title: text is not valid UTF-8",
         {"movies.csv": b"movieId,title,genres\n1,Mis\xe9rables,Drama\n"})
    case("latest_movies_header", LATEST, "PARSE", "movies.csv:1: expected the header 'movieId,title,genres'",
         {"movies.csv": "id,name\n1,Toy Story (1995)\n"})
    case("latest_tag_time", LATEST, "PARSE", "tags.csv:2: timestamp 'soon'",
         {"tags.csv": "userId,movieId,tag,timestamp\n1,1,fun,soon\n"})
    case("latest_unknown_movie", LATEST, "PARSE", "ratings.csv:2: unknown item 7",
         {"ratings.csv": "userId,movieId,rating,timestamp\n1,7,4.0,964982703\n"})
    case("merchant_no_item_column", MERCHANT, "PARSE", "events.csv:1: no item column",
         {"events.csv": "user,product_name,time\nc1,mug,2011-01-02\n"})
    case("merchant_no_user_column", MERCHANT, "PARSE", "events.csv:1: no user column",
         {"events.csv": "who,item,time\nc1,p1,2011-01-02\n"})
    case("merchant_bad_time", MERCHANT, "PARSE", "events.csv:2: time '31/31/2011'",
         {"events.csv": "user,item,time\nc1,p1,31/31/2011\n"})
    case("merchant_bad_quantity", MERCHANT, "PARSE", "events.csv:3: quantity 'six' is not a number",
         {"events.csv": "user,item,quantity\nc1,p1,2\nc1,p2,six\n"})
    case("merchant_bad_price", MERCHANT, "PARSE", "events.csv:2: price '3,5' is not a number",
         {"events.csv": "user,item,quantity,price\nc1,p1,2,\"3,5\"\n"})
    case("merchant_empty_item", MERCHANT, "PARSE", "events.csv:2: empty item id",
         {"events.csv": "user,item\nc1,\n"})
    case("merchant_empty_file", MERCHANT, "PARSE", "events.csv: the file is empty",
         {"events.csv": ""})
    case("merchant_header_only", MERCHANT, "PARSE", "events.csv: no events",
         {"events.csv": "user,item,time\n"})
    case("merchant_unknown_user", MERCHANT, "PARSE", "events.csv:2: unknown user 'c9'",
         {"users.csv": "user,city\nc1,Leeds\n", "events.csv": "user,item\nc9,p1\n"})
    case("merchant_bad_utf8", MERCHANT, "PARSE", "events.csv:2: title: text is not valid UTF-8",
         {"events.csv": b"user,item,title\nc1,p1,caf\xe9\n"})
    case("merchant_nul_in_id", MERCHANT, "PARSE", "events.csv:2: user id holds a NUL byte",
         {"events.csv": b"user,item\nc\x001,p1\n"})
    case("merchant_mapping_column", MERCHANT, "PARSE", "load.columns maps user to 'Customer'",
         {}, "load.columns=user=Customer")
    case("merchant_mapping_field", MERCHANT, "OPTION", "load.columns: unknown field 'buyer'",
         {}, "load.columns=buyer=user")
    case("truth_unknown_user", ML1M, "PARSE", "truth.csv:3: unknown user '77'",
         {"truth.csv": "user,community\n1,0\n77,1\n"})
    case("truth_bad_label", ML1M, "PARSE", "truth.csv:2: community 'x'",
         {"truth.csv": "user,community\n1,x\n"})
    case("no_data_files", {"notes.txt": "nothing here\n"}, "FORMAT", "no known data files", {})
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("# NAME|STATUS|MESSAGE SUBSTRING|OPTIONS - written by generate.py\n")
        f.write("\n".join(cases) + "\n")


main()

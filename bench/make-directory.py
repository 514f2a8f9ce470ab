#!/usr/bin/env python3
"""Writes a directory file (the format of samples/demo-directory.json) with N chat users, and a TSV of the same
users for the gSOAP peer. User 1 is `admin` (password `admin`); users 2..N are agents `agentN` (users up to 64 with
password `agentN`), two topics, and some ongoing chats. Usage: make-directory.py N OUT.json [OUT.tsv]"""
import json
import sys

count = int(sys.argv[1])
users, memberships, ongoing = [], [], []
for user_id in range(1, count + 1):
    login = "admin" if user_id == 1 else f"agent{user_id}"
    users.append({
        "id": user_id,
        "login": login,
        "displayName": "Ada Admin" if user_id == 1 else f"Agent Number {user_id}",
        "role": "Administrator" if user_id == 1 else "Agent",
        "chatAccess": True,
    })
    if user_id <= 64:
        # Only the users the benchmark logs in as get a password: hashing 100,000 would dominate the import.
        users[-1]["password"] = login
    if user_id > 1:
        topics = [1] if user_id % 3 == 0 else [2] if user_id % 3 == 1 else [1, 2]
        memberships += [{"topicId": t, "userId": user_id, "canRespond": True} for t in topics]
        if user_id % 4 == 0:
            ongoing.append({"userId": user_id, "count": user_id % 5})

directory = {
    "users": users,
    "topics": [{"id": 1, "name": "Sales"}, {"id": 2, "name": "Support"}],
    "memberships": memberships,
    "ongoingChats": ongoing,
}
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(directory, out, ensure_ascii=False, indent=0)

if len(sys.argv) > 3:
    # userId, displayName, ongoingChats, topics (comma-separated): what GetChatPresence lists for each user.
    topics_of = {}
    for m in memberships:
        topics_of.setdefault(m["userId"], []).append(m["topicId"])
    chats = {o["userId"]: o["count"] for o in ongoing}
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        for u in users:
            t = ",".join(str(x) for x in sorted(topics_of.get(u["id"], [])))
            out.write(f'{u["id"]}\t{u["displayName"]}\t{chats.get(u["id"], 0)}\t{t}\n')

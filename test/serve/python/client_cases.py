"""Drives integrations/python/rewardkit_client.py against a running server; prints one JSON result.

Usage: python3 client_cases.py CASE   (REWARDKIT_URL and REWARDKIT_TOKEN set by the test)
"""

import base64
import json
import os
import sys
import urllib.parse
import urllib.request

import rewardkit_client as rk

QUESTION = "What is the capital of France?"


def verl_single():
    return rk.compute_score("geo", "The capital of France is Paris.", "Paris", {"prompt": QUESTION, "index": 3})


def verl_batch():
    answers = ["The capital of France is Paris.", "It is Lyon.", "Paris, mail me at a@example.com", "Paris [fail]"]
    return rk.compute_score(
        data_sources=["geo"] * 4,
        solution_strs=answers,
        ground_truths=["Paris"] * 4,
        extra_infos=[{"question": QUESTION, "index": index} for index in range(4)],
    )


def verl_batch_small_requests():
    # 5 rows in requests of 2, 3 in flight: results still in row order
    client = rk.RewardkitClient(batch_size=2, parallel=3)
    answers = ["Paris.", "Lyon.", "Paris. [rude]", "Paris!", "Marseille."]
    results = rk.compute_score(data_sources=["geo"] * 5, solution_strs=answers, ground_truths=["Paris"] * 5, extra_infos=None, client=client)
    return [result["score"] for result in results]


def trl_text():
    return rk.reward_func(
        prompts=[QUESTION, QUESTION],
        completions=["Paris.", "Lyon."],
        completion_ids=[[1, 2], [3]],
        reference_answer=["Paris", "Paris"],
        topic=["geography", "geography"],
        trainer_state=object(),
    )


def trl_conversational():
    prompts = [
        [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": QUESTION}],
        [{"role": "user", "content": QUESTION}],
        [{"role": "narrator", "content": "not a role the reward reads"}, {"role": "user", "content": QUESTION}],
    ]
    completions = [
        [{"role": "assistant", "content": "Paris. [rude]"}],
        [{"role": "assistant", "content": "Paris."}],
        [{"role": "assistant", "content": "Paris."}],
    ]
    return rk.make_reward_func(reference_column="solution")(prompts, completions, solution=["Paris", "Paris", "Paris"])


def trl_tool_calling():
    # TRL's tool loop (trl/trainer/grpo_trainer.py, _tool_call_loop) makes a completion a list of turns:
    # assistant with tool_calls (arguments parsed into a dict) -> {"role": "tool", "name", "content"} -> assistant
    call = {"type": "function", "function": {"name": "lookup_capital", "arguments": {"country": "France"}}}
    completions = [
        [
            {"role": "assistant", "content": "", "tool_calls": [call]},
            {"role": "tool", "name": "lookup_capital", "content": "Paris (maintainer: geo@example.com) [rude]"},
            {"role": "assistant", "content": "The capital of France is Paris."},
        ],
        # the post-tool answer was cut off entirely: the completion ends on the tool turn
        [{"role": "assistant", "content": "", "tool_calls": [call]}, {"role": "tool", "name": "lookup_capital", "content": "Paris"}],
        [{"role": "assistant", "content": "Paris."}],
    ]
    prompts = [[{"role": "user", "content": QUESTION}]] * 3
    return rk.reward_func(prompts, completions, completion_ids=[[1], [2], [3]], reference_answer=["Paris"] * 3)


def trl_judge_failure():
    # "[fail]": the fake judge answers HTTP 500; what TRL gets depends on the spec's aggregate.on_judge_error
    return rk.reward_func(prompts=[QUESTION, QUESTION], completions=["Paris.", "Paris [fail]"], reference_answer=["Paris", "Paris"])


def verl_judge_failure():
    results = rk.compute_score(data_sources=["geo"] * 2, solution_strs=["Paris.", "Paris [fail]"], ground_truths=["Paris"] * 2, extra_infos=[{"question": QUESTION}] * 2)
    return [{key: result[key] for key in ("score", "neutral", "judge_error", "row_error")} for result in results]


def openrlhf():
    # what OpenRLHF's reward client sends for --remote_rm_url http://rk:TOKEN@HOST:PORT/get_reward:
    # a JSON POST with no headers of its own; HTTP clients turn the URL's credentials into Basic auth
    base = urllib.parse.urlsplit(os.environ["REWARDKIT_URL"])
    remote_rm_url = f"{base.scheme}://rk:{os.environ['REWARDKIT_TOKEN']}@{base.netloc}/get_reward"
    parts = urllib.parse.urlsplit(remote_rm_url)
    prompt = f"<|im_start|>user\n{QUESTION}<|im_end|>\n<|im_start|>assistant\n"
    payload = {"query": [prompt + "Paris.<|im_end|>", prompt + "Lyon.<|im_end|>"], "prompts": [prompt, prompt], "labels": ["Paris", "Paris"]}
    credentials = base64.b64encode(f"{parts.username}:{parts.password}".encode()).decode()
    request = urllib.request.Request(
        f"{parts.scheme}://{parts.hostname}:{parts.port}{parts.path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {credentials}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        reply = json.loads(response.read())
    return {"rewards": reply["rewards"], "scores": reply["scores"], "quality": reply["extra_logs"]["quality"]}


def _record_requests():
    """Records the row ids of every /v1/score request the client sends (requests run in parallel: sorted by first row)."""
    sent = []
    post = rk.RewardkitClient.post

    def recording(self, path, payload):
        sent.append([row["id"] for row in payload["rows"]])
        return post(self, path, payload)

    rk.RewardkitClient.post = recording
    return lambda: sorted(sent, key=lambda ids: int(ids[0].split("-")[1]))


def trl_groups():
    # REWARDKIT_BATCH_SIZE=10; GRPOTrainer with num_generations=8 hands a rank 3 prompts × 8 consecutive completions
    # (its RepeatSampler): each request holds one whole group, never 10 rows that cut one
    requests = _record_requests()
    prompts = [f"{QUESTION} (group {index // 8})" for index in range(24)]
    completions = [("Paris.", "Lyon.", "Paris. [rude]")[index % 3] for index in range(24)]
    rewards = rk.reward_func(prompts, completions, completion_ids=[[index] for index in range(24)], reference_answer=["Paris"] * 24)
    return {"requests": requests(), "rewards": rewards}


def verl_groups():
    # the batch form with a batch_size-5 client: 3 prompts × 4 rollouts, interleaved (prompt 0, 1, 2, 0, 1, 2, …);
    # each request holds one prompt's rollouts, and the results come back in the batch's order
    requests = _record_requests()
    client = rk.RewardkitClient(batch_size=5, parallel=3)
    answers = [("Paris.", "Lyon.", "Paris. [rude]", "Lyon. [rude]")[index // 3] for index in range(12)]
    results = rk.compute_score(
        data_sources=["geo"] * 12,
        solution_strs=answers,
        ground_truths=["Paris"] * 12,
        extra_infos=[{"question": f"{QUESTION} (prompt {index % 3})"} for index in range(12)],
        client=client,
    )
    return {"requests": requests(), "scores": [result["score"] for result in results]}


def group_chunks():
    # the packing alone: group_id (root or metadata) wins over the prompt; a group larger than the batch goes alone;
    # a row with no group_id, messages or prompt is a group of its own
    rows = [{"group_id": "x"}] * 5 + [{"prompt": "p"}, {"metadata": {"group_id": "y"}}, {"prompt": "p"}] + [{"response": "r"}] * 3
    return rk._group_chunks(rows, 3)


def wrong_token():
    try:
        rk.RewardkitClient(token="not-the-token").score([{"prompt": QUESTION, "response": "Paris."}])
    except rk.RewardkitError as error:
        return str(error)
    return "no error"


def unreachable():
    try:
        rk.RewardkitClient(url="http://127.0.0.1:9", retries=1).score([{"prompt": QUESTION, "response": "Paris."}])
    except rk.RewardkitError as error:
        return str(error)
    return "no error"


if __name__ == "__main__":
    print(json.dumps(globals()[sys.argv[1]]()))

"""Batch jobs: write the JSONL input (checked before upload), upload it, create the batch, wait
for it with a progress callback, and read the typed results line by line.

Against the bundled mock the batch finishes in about a second; against the real API (private
preview) it finishes within 24 hours, so a real job would rather save `batch.id` and come back.
"""

import tempfile
from pathlib import Path

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.lib.batch_input import BatchInputWriter
from cerebras.cloud.sdk.types import Batch

QUESTIONS = [
    "Name a prime number above 100.",
    "What is the boiling point of water at sea level, in Celsius?",
    "Give one synonym for 'fast'.",
    "Which planet is closest to the sun?",
    "What does CPU stand for?",
    "Translate 'good morning' into French.",
    "How many sides does a hexagon have?",
    "Name a language that runs on the JVM.",
    "What is the chemical symbol for gold?",
    "Who wrote 'Pride and Prejudice'?",
    "What is 12 times 12?",
    "Name one noble gas.",
]


def show_progress(batch: Batch) -> None:
    counts = batch.request_counts
    done = f"{counts.completed}/{counts.total} done" if counts else "no counts yet"
    print(f"  {batch.status:<12} {done}")


def main() -> None:
    setup()

    with tempfile.TemporaryDirectory() as folder, Cerebras() as client:
        # 1. The input file: one request per line. The writer refuses a duplicate custom_id, a
        #    wrong endpoint, a body without a model, fewer than 10 or more than 50,000 lines and a
        #    file over 200 MB, naming the line, before anything is uploaded.
        path = Path(folder) / "questions.jsonl"
        with BatchInputWriter(path) as writer:
            for number, question in enumerate(QUESTIONS, 1):
                writer.add(
                    custom_id=f"question-{number}",
                    body={
                        "model": MODEL,
                        "messages": [{"role": "user", "content": question}],
                        "max_completion_tokens": 100,
                    },
                )
        print(f"Wrote {writer.count} requests ({writer.bytes_written:,} bytes) to {path.name}")

        # 2. Upload it (streamed from disk) and create the batch.
        uploaded = client.files.create(file=path, purpose="batch")
        batch = client.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"project": "examples"},
        )
        print(f"Uploaded {uploaded.filename} as {uploaded.id}; created {batch.id} ({batch.status})")

        # 3. Wait until it is completed, failed, expired or cancelled, polling with backoff.
        batch = client.batches.wait(batch.id, poll_interval=0.2, timeout=600, on_progress=show_progress)
        print(f"{batch.id} finished: {batch.status}")

        # 4. The results, one typed line per request, streamed: memory stays flat for any size.
        for result in client.batches.results(batch.id):
            if result.status == "succeeded" and result.response is not None:
                print(f"  {result.custom_id}: {result.response.choices[0].message.content}")
            elif result.error is not None:
                print(f"  {result.custom_id}: {result.status} ({result.error.code}: {result.error.message})")


if __name__ == "__main__":
    main()

"""Models: list the models your key can use and look one up, in the default or another format."""

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras


def main() -> None:
    setup()

    with Cerebras() as client:
        print("Available models:")
        for model in client.models.list().data:
            print("  ", model.id)

        print("One model:", client.models.retrieve(MODEL))

        # format="openrouter" (or "huggingface") returns the catalogue entry in that aggregator's
        # shape: pricing, context length, modalities...
        entry = client.models.retrieve(MODEL, format="openrouter")
        print("OpenRouter format:", entry.to_json(indent=None))


if __name__ == "__main__":
    main()

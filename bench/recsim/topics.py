"""Topic profiles for the recommendation bench, written before any recommender's picks were looked at.

Each topic is a regular expression over a paper's title and abstract (case-insensitive). The rule for
"on topic" is strict on purpose: the pattern matches the title, or matches the abstract at least twice (a
passing mention is not enough). A reader's five saved papers are the five most recent papers before the
evaluation window whose *title* matches, so the library is unmistakably about the topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    pattern: re.Pattern[str]

    def in_title(self, title: str) -> bool:
        return bool(self.pattern.search(title))

    def on_topic(self, title: str, abstract: str) -> bool:
        """The relevance rule: the title matches, or the abstract matches at least twice."""
        return self.in_title(title) or len(self.pattern.findall(abstract)) >= 2


def _topic(name: str, pattern: str) -> Topic:
    return Topic(name, re.compile(pattern, re.I))


TOPICS = [
    _topic("KV-cache compression", r"\bkv[- ]?cache|key-value cache"),
    _topic(
        "video generation", r"video (generation|diffusion|synthesis|generator)|text-to-video|image-to-video"
    ),
    _topic(
        "LLM agents for software engineering",
        r"software engineering|swe-bench|coding agent|code agent|issue resolution|repository-level",
    ),
    _topic("mixture of experts", r"mixture[- ]of[- ]experts|\bmoe\b"),
    _topic("speculative decoding", r"speculative decoding|speculative sampling|draft model"),
    _topic("quantization", r"quantiz"),
    _topic("text-to-speech", r"text-to-speech|\btts\b|speech synthesis"),
    _topic("Gaussian splatting", r"gaussian splatting|\b3dgs\b"),
    _topic("GUI and computer-use agents", r"\bgui\b|computer[- ]use|web agent|mobile agent"),
    _topic("mathematical reasoning", r"\bmath(ematical)? (reasoning|problem|word problem|olympiad)"),
    _topic("RL with verifiable rewards", r"verifiable reward|\brlvr\b|\bgrpo\b"),
    _topic("retrieval-augmented generation", r"retrieval[- ]augmented|\brag\b"),
    _topic("hallucination", r"hallucinat"),
    _topic("vision-language-action models", r"vision-language-action|\bvla\b"),
    _topic("image editing", r"image editing|\bediting instructions?\b|instruction-based editing"),
    _topic("long context", r"long[- ]context|context window|context length"),
    _topic("jailbreaks and red teaming", r"jailbreak|red[- ]teaming|adversarial prompt"),
    _topic("multilingual models", r"multilingual|low-resource languages?|cross-lingual"),
    _topic(
        "diffusion language models",
        r"diffusion language models?|masked diffusion|discrete diffusion|\bdllms?\b",
    ),
    _topic("reward models", r"reward models?"),
    _topic("preference optimisation", r"\bdpo\b|preference optimi[sz]ation"),
    _topic("world models", r"world models?"),
    _topic("3D asset generation", r"3d generation|text-to-3d|image-to-3d|3d assets?|mesh generation"),
    _topic("human motion and avatars", r"human motion|motion generation|talking head|avatars?"),
    _topic("medical AI", r"medical|clinical|radiolog|patholog"),
    _topic("document and chart understanding", r"\bocr\b|document (understanding|parsing)|\bcharts?\b"),
    _topic("music and audio generation", r"\bmusic\b|audio generation|text-to-audio"),
    _topic(
        "efficient reasoning",
        r"overthinking|efficient reasoning|reasoning length|concise reasoning|token budget",
    ),
    _topic("model merging", r"model merging|merging models"),
    _topic("linear attention and state-space models", r"linear attention|state[- ]space models?|\bmamba\b"),
    _topic("text embeddings and reranking", r"text embeddings?|embedding models?|rerank"),
    _topic("autonomous driving", r"autonomous driving|self-driving"),
    _topic("test-time scaling", r"test-time scaling|test-time compute"),
    _topic("video understanding", r"video understanding|video question|long video|video[- ]llms?"),
    _topic("multimodal reasoning", r"multimodal reasoning|visual reasoning"),
    _topic("text-to-image generation", r"text-to-image|image generation"),
    _topic("tool use and function calling", r"tool[- ](use|learning|calling|integrated)|function[- ]calling"),
    _topic("deep research and search agents", r"deep research|search agents?|agentic search"),
    _topic("synthetic data and data selection", r"synthetic data|data curation|data selection"),
    _topic("code generation", r"code generation|program synthesis|code llms?"),
    _topic("robot manipulation", r"robot(ic)? manipulation|manipulation policies|dexterous"),
    _topic("spatial reasoning", r"spatial (reasoning|understanding|intelligence)"),
    _topic(
        "autoregressive image generation and tokenizers",
        r"autoregressive (image|visual) generation|visual tokeni[sz]ers?|image tokeni[sz]ers?",
    ),
    _topic("unified multimodal models", r"unified (multimodal )?(models?|understanding and generation)"),
    _topic("agent memory", r"agent memory|memory (mechanism|system|module|bank)s?|long-term memory"),
    _topic("AI for scientific discovery", r"scientific (discovery|research)|ai scientists?"),
    _topic("scaling laws", r"scaling laws?"),
    _topic("knowledge distillation", r"distillation|\bdistill"),
    _topic("continual learning", r"continual learning|catastrophic forgetting"),
    _topic("LLM-as-a-judge", r"llm-as-a-judge|judge models?|llm judges?"),
    _topic("segmentation and grounding", r"segmentation|visual grounding"),
    _topic(
        "3D reconstruction and view synthesis", r"3d reconstruction|depth estimation|novel view synthesis"
    ),
    _topic("speech and spoken language models", r"\bspeech\b|spoken|\basr\b"),
    _topic("sparse attention", r"sparse attention"),
    _topic("multi-agent systems", r"multi-agent"),
    _topic("self-improving models", r"self-evolv|self-improv"),
    _topic("few-step diffusion sampling", r"few-step|one-step|consistency models?|sampling acceleration"),
    _topic(
        "agentic reinforcement learning",
        r"agentic (reinforcement learning|rl)|reinforcement learning for (llm )?agents",
    ),
    _topic("embodied AI", r"\bembodied"),
    _topic("video editing", r"video editing"),
    _topic("chain-of-thought reasoning", r"chain-of-thought|\bcot\b"),
    _topic("LLM safety", r"\bsafety\b|harmful"),
    _topic("4D and dynamic scenes", r"\b4d\b|dynamic scenes?"),
    _topic("camera control in generation", r"camera (control|motion|trajector)"),
    _topic("audio-visual generation", r"audio-visual|audio-video|video-to-audio"),
    _topic("interpretability", r"interpretab|sparse autoencoders?|mechanistic"),
    _topic("machine unlearning and knowledge editing", r"unlearning|knowledge editing"),
    _topic("uncertainty and calibration", r"calibration|uncertainty"),
    _topic("pretraining data", r"pre-?training (data|corpus|corpora)"),
]

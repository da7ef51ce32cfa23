"""Exports a vision-language model to a PathLens bundle with the model's own Python code.

usage: pathlens_export.py open_clip --arch NAME [--config FILE] --checkpoint FILE --out DIR
       pathlens_export.py hf-clip --model-dir DIR --out DIR
       pathlens_export.py conch --checkpoint FILE [--config FILE] [--image-feature projected|pre-projection] --out DIR

`./pathlens export` runs this file with the user's Python (`python3`, or PATHLENS_PYTHON), in which
the family's library must be importable: open_clip (QuiltNet, BiomedCLIP, CLIP), transformers
(PLIP and any CLIPModel directory) or conch (CONCH v1). Nothing is downloaded: weights, configs
and tokenizer files are read from local paths only.

What it writes (the bundle contract in PathLens's README):
  image_encoder.pt / text_encoder.pt  TorchScript towers traced under no_grad, each checked against
                                      the eager model on other inputs and batch sizes
  tokenizer.json                      the family's own tokenizer as a HuggingFace `tokenizers` file,
                                      padded and truncated to the model's context
  image_projection.pt                 where the architecture has one: the model's own projection of
                                      pre-projection image features (what TRIDENT and CLAM store)
                                      into the text space, TorchScript [B, D_pre] -> [B, D], traced
                                      and checked as the towers are; not normalised
  model.json                          preprocessing, exp'd logit scale, context, where it came from
  canary/, canary.json                two H&E-like images and two prompts with the embeddings the
                                      ORIGINAL code gives them (its own preprocess and tokenizer),
                                      so PathLens refuses the bundle if it computes anything else;
                                      with a projection, each image's pre-projection feature and
                                      its projected embedding too

Failures that are the user's to fix (a library missing, a checkpoint that does not fit) end with
one line on stderr starting "export: " and exit status 2.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # PathLens never fetches: local files only
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
warnings.filterwarnings("ignore")  # TracerWarnings and deprecation notices of the model code


class ExportError(Exception):
    """A problem the user can fix; printed as one line."""


try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from PIL import Image, ImageDraw, ImageFilter
except ImportError as e:  # pragma: no cover - depends on the interpreter
    print(f"export: {sys.executable} cannot import {e.name}: install torch, numpy and Pillow "
          "(or point PATHLENS_PYTHON at an interpreter that has them)", file=sys.stderr)
    sys.exit(2)

# The third is cleaned by the families that clean (HTML entities, a no-break space, a tab): its
# ids in canary.json make PathLens prove it applies model.json's text.clean as the model does.
CANARY_TEXTS = ["an H&E image of tumor epithelium.", "dense sheets of small round lymphocytes",
                "Lymphocytes &amp; plasma cells&nbsp;in\tstroma"]
# model.json text.clean: open_clip's basic_clean + whitespace_clean (tokenizer.py): ftfy.fix_text,
# html.unescape twice, whitespace collapsed and stripped (lower-casing is in tokenizer.json)
OPEN_CLIP_CLEAN = ["ftfy", "html.unescape", "html.unescape", "whitespace"]
MAX_TRACE_DIFF = 1e-4
MIN_PROJECTION_COSINE = 0.9999  # as PathLens's canary check: the projection must be the model's


# ----------------------------------------------------------------------------- canary images

def he_like(width, height, seed):
    """A crude H&E-looking picture: pink stroma, purple nuclei, white lumina, slight blur.
    Real texture matters for a canary: a flat grey input passes through broken convolutions."""
    rng = np.random.default_rng(seed)
    im = Image.new("RGB", (width, height), (236, 170, 200))
    draw = ImageDraw.Draw(im)
    area = width * height
    for _ in range(max(1, area // 4000)):  # lumina / fat
        x, y, r = rng.integers(0, width), rng.integers(0, height), rng.integers(4, 30)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(245, 240, 245))
    for _ in range(max(3, area // 300)):  # nuclei
        x, y = rng.integers(0, width), rng.integers(0, height)
        rx, ry = rng.integers(2, 6), rng.integers(2, 6)
        shade = int(rng.integers(60, 130))
        draw.ellipse([x - rx, y - ry, x + rx, y + ry], fill=(shade, 40, shade + 90))
    noise = rng.normal(0, 8, (height, width, 3))
    arr = np.clip(np.asarray(im, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(arr).filter(ImageFilter.GaussianBlur(0.8))


# ----------------------------------------------------------------------------- tokenizer files

def special_token(content, i):
    return {"id": i, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def fixed_length(spec, context_length, pad_id, pad_token):
    """Truncation (special tokens kept) and padding to exactly context_length, as PathLens needs."""
    spec["truncation"] = {"direction": "Right", "max_length": context_length,
                          "strategy": "LongestFirst", "stride": 0}
    spec["padding"] = {"strategy": {"Fixed": context_length}, "direction": "Right",
                       "pad_to_multiple_of": None, "pad_id": pad_id, "pad_type_id": 0,
                       "pad_token": pad_token}
    return spec


def clip_bpe_tokenizer(encoder, bpe_ranks, split_regex, sot, eot, context_length, pad_id, pad_token):
    """CLIP's byte-level BPE (OpenAI's SimpleTokenizer, HF CLIPTokenizer) as a tokenizers file:
    whitespace collapsed and lower-cased, split by the tokenizer's own regex, bytes mapped to
    unicode, merges with the '</w>' word end, <sot> ... <eot>.  Written from the tokenizer's own
    vocabulary and merge ranks, so ids are the same by construction; the exporter then checks them
    on the canary prompts."""
    merges = [f"{a} {b}" for (a, b), _ in sorted(bpe_ranks.items(), key=lambda kv: kv[1])]
    template = [{"SpecialToken": {"id": sot, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": eot, "type_id": 0}}]
    spec = {
        "version": "1.0",
        "added_tokens": [special_token(sot, encoder[sot]), special_token(eot, encoder[eot])],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": split_regex}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {
            "type": "TemplateProcessing", "single": template,
            "pair": template + [{"Sequence": {"id": "B", "type_id": 1}},
                                {"SpecialToken": {"id": eot, "type_id": 1}}],
            "special_tokens": {sot: {"id": sot, "ids": [encoder[sot]], "tokens": [sot]},
                               eot: {"id": eot, "ids": [encoder[eot]], "tokens": [eot]}}},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": False, "vocab": dict(encoder), "merges": merges},
    }
    return fixed_length(spec, context_length, pad_id, pad_token)


def wordpiece_tokenizer(vocab, lower_case, strip_accents, cls, sep, unk, context_length, pad_id, pad_token):
    """BERT's WordPiece (HF BertTokenizer, as in BiomedCLIP's PubMedBERT tower) as a tokenizers file."""
    template = [{"SpecialToken": {"id": cls, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}}]
    spec = {
        "version": "1.0",
        "added_tokens": [special_token(t, vocab[t]) for t in sorted({cls, sep, unk, pad_token}, key=vocab.get)],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": strip_accents, "lowercase": lower_case},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing", "single": template,
            "pair": template + [{"Sequence": {"id": "B", "type_id": 1}},
                                {"SpecialToken": {"id": sep, "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in (cls, sep)}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": unk, "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": dict(vocab)},
    }
    return fixed_length(spec, context_length, pad_id, pad_token)


# ----------------------------------------------------------------------------- tracing

class Tower(torch.nn.Module):
    """One tower of the model as a module with tensor inputs, so that torch.jit.trace can record it."""

    def __init__(self, model, fn):
        super().__init__()
        self.model = model
        self.fn = fn

    def forward(self, *inputs):
        return self.fn(self.model, *inputs)


def trace_tower(what, tower, trace_inputs, check_inputs, out_path):
    """Traces `what` (e.g. "image tower") under no_grad (torch 1.13's nn.MultiheadAttention
    switches to its fused path there, and tracing with gradients on fails), saves, reloads, and
    compares with the eager module on inputs of other batch sizes: the batch dimension must stay
    dynamic and the numbers the same."""
    tower = tower.eval()
    with torch.no_grad():
        traced = torch.jit.trace(tower, trace_inputs, check_trace=False)
        # freezing inlines the weights this tower uses and drops the other tower's
        traced = torch.jit.freeze(traced)
        torch.jit.save(traced, str(out_path))
        loaded = torch.jit.load(str(out_path))
        worst = 0.0
        for inputs in check_inputs:
            want, got = tower(*inputs), loaded(*inputs)
            if got.shape != want.shape:
                raise ExportError(f"traced {what} gives {tuple(got.shape)} for batch {inputs[0].shape[0]}, "
                                  f"the model {tuple(want.shape)}")
            worst = max(worst, (want - got).abs().max().item())
    if worst > MAX_TRACE_DIFF:
        raise ExportError(f"traced {what} differs from the model by {worst:.3g} (> {MAX_TRACE_DIFF})")
    print(f"  {what} traced: {tuple(want.shape[1:])} per input, max |traced - eager| {worst:.2e}")
    return int(want.shape[-1])


def unit(v):
    return (v / v.norm(dim=-1, keepdim=True)).tolist()


def cosine(a, b):
    return float(F.cosine_similarity(a, b, dim=-1).min().item())


# ----------------------------------------------------------------------------- families

class Family:
    """What an exporter must say about a model; subclasses fill it from the model's own code."""
    name = ""
    image_size = 224
    resize = "shortest"
    interpolation = "bicubic"
    mean = std = None
    crop_offset = "round"  # torchvision's CenterCrop
    logit_scale = 100.0
    context_length = 77
    text_inputs = ["input_ids"]
    pad_id = 0
    text_clean = None  # the steps the family's own code cleans text with before its tokenizer
    source = {}
    aka = []  # the model's names in other tools (model.json "aka"), e.g. TRIDENT's for its features

    def image_tower(self):
        raise NotImplementedError

    def text_tower(self):
        raise NotImplementedError

    def preprocess(self, pil_image):
        """[1, 3, S, S] float tensor by the model's own preprocessing."""
        raise NotImplementedError

    def tokenize(self, texts):
        """The model's own token ids (and mask when the tower takes one) for texts, as tensors."""
        raise NotImplementedError

    def tokenizer_json(self):
        raise NotImplementedError

    def image_projection(self):
        """(module, what it was traced from): the model's own map of pre-projection image features
        [B, D_pre] to its projected image embedding [B, D], unnormalised; None where the
        architecture has none."""
        return None

    def image_feature(self, x):
        """The original code's pre-projection image feature of preprocessed x (where
        image_projection is not None)."""
        raise NotImplementedError

    def projected_image(self, x):
        """The original code's projected (text-space) image embedding of x, unnormalised."""
        return self.image_tower()(x)


class OpenClipFamily(Family):

    def __init__(self, args):
        open_clip = import_library("open_clip", "pip install open_clip_torch")
        arch = args.arch
        if args.config:
            cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
            cfg = cfg.get("model_cfg", cfg)  # a hub open_clip_config.json nests it
            arch = arch or Path(args.config).stem
            from open_clip.factory import _MODEL_CONFIGS
            _MODEL_CONFIGS[arch] = cfg
        if not arch:
            raise ExportError("give --arch NAME (an open_clip architecture, e.g. ViT-B-32) or --config FILE")
        if arch not in open_clip.list_models():
            raise ExportError(f"open_clip {open_clip.__version__} has no architecture {arch!r}; "
                              f"give --config FILE with its model config")
        model, _, self.transform = open_clip.create_model_and_transforms(arch, pretrained=str(args.checkpoint))
        self.model = model.eval()
        self.tokenizer = open_clip.get_tokenizer(arch)
        cfg = self.model.visual.preprocess_cfg
        size = cfg["size"]
        self.image_size = size if isinstance(size, int) else size[0]
        if not isinstance(size, int) and size[0] != size[1]:
            raise ExportError(f"{arch}: non-square input {size} is not in the bundle contract")
        if cfg.get("resize_mode", "shortest") not in ("shortest", "squash"):
            raise ExportError(f"{arch}: resize_mode {cfg['resize_mode']!r} is not in the bundle contract "
                              "(shortest, squash)")
        self.resize = cfg.get("resize_mode", "shortest")
        self.interpolation = cfg.get("interpolation", "bicubic")
        if self.interpolation not in ("bicubic", "bilinear"):
            raise ExportError(f"{arch}: interpolation {self.interpolation!r} is not in the bundle contract")
        self.mean, self.std = list(cfg["mean"]), list(cfg["std"])
        self.logit_scale = float(self.model.logit_scale.exp().item())
        self.name = arch
        self.source = {"family": "open_clip", "arch": arch, "checkpoint": describe(args.checkpoint),
                       "library": f"open_clip {open_clip.__version__}"}
        from open_clip.tokenizer import HFTokenizer, SimpleTokenizer
        if isinstance(self.tokenizer, SimpleTokenizer):
            tok = self.tokenizer
            if tok.clean_fn.__name__ != "_clean_lower" or tok.reduction_fn is not None:
                raise ExportError(f"{arch}: tokenizer cleaning {tok.clean_fn.__name__} / reduction mask "
                                  "is not supported (only CLIP's default lower-casing)")
            self.context_length = tok.context_length
            self.pad_id = 0  # open_clip pads with 0; the text tower pools at the argmax (<eot>)
            self.text_clean = OPEN_CLIP_CLEAN  # _clean_lower; tokenizer.json lower-cases
        elif isinstance(self.tokenizer, HFTokenizer):
            if self.tokenizer.clean_fn.__name__ != "_clean_whitespace":
                raise ExportError(f"{arch}: HF tokenizer cleaning {self.tokenizer.clean_fn.__name__} is not "
                                  "supported (only open_clip's default \"whitespace\")")
            self.text_clean = OPEN_CLIP_CLEAN  # _clean_whitespace: the same steps, no lower-casing
            hf = self.tokenizer.tokenizer
            self.context_length = self.tokenizer.context_length
            self.pad_id = hf.pad_token_id
        else:
            raise ExportError(f"{arch}: tokenizer {type(self.tokenizer).__name__} is not supported")

    def image_tower(self):
        return Tower(self.model, lambda m, x: m.encode_image(x))

    def image_projection(self):
        """VisionTransformer: `pooled @ proj` in its forward (no function of its own); TimmModel:
        head.proj where it is a Linear (an "mlp" head is not a single projection). ModifiedResNet
        and other towers: none (a ResNet's attention pool ends in its own c_proj)."""
        visual = self.model.visual
        if self.vit_projection() is not None:
            return Tower(visual, lambda v, f: f @ v.proj), "visual.proj (pooled @ proj)"
        proj = self.timm_projection()
        if proj is not None:
            bias = "" if proj.bias is not None else ", no bias"
            return Tower(proj, lambda p, f: p(f)), f"visual.head.proj (Linear{bias})"
        head = getattr(visual, "head", None)
        layers = f" (head: {', '.join(n for n, _ in head.named_children()) or 'none'})" \
            if isinstance(head, torch.nn.Sequential) else ""
        print(f"  no image_projection.pt: open_clip's {type(visual).__name__} tower has no separate linear "
              f"projection{layers}")
        return None

    def vit_projection(self):
        from open_clip.transformer import VisionTransformer
        visual = self.model.visual
        return visual.proj if isinstance(visual, VisionTransformer) else None

    def timm_projection(self):
        try:
            from open_clip.timm_model import TimmModel
        except ImportError:
            return None
        visual = self.model.visual
        if not isinstance(visual, TimmModel):
            return None
        proj = getattr(visual.head, "proj", None)
        return proj if isinstance(proj, torch.nn.Linear) else None

    def image_feature(self, x):
        """The tower's own forward up to its projection: a ViT's with visual.proj set to None (its
        forward then returns the pooled feature), a timm tower's as the input of head.proj."""
        visual = self.model.visual
        proj = self.vit_projection()
        if proj is not None:
            visual.proj = None
            try:
                return self.model.encode_image(x, normalize=False)
            finally:
                visual.proj = proj
        seen = []
        hook = self.timm_projection().register_forward_pre_hook(lambda module, inputs: seen.append(inputs[0]))
        try:
            self.model.encode_image(x, normalize=False)
        finally:
            hook.remove()
        return seen[0]

    def text_tower(self):
        return Tower(self.model, lambda m, ids: m.encode_text(ids))

    def preprocess(self, pil_image):
        return self.transform(pil_image).unsqueeze(0)

    def tokenize(self, texts):
        return (self.tokenizer(texts).long(),)

    def tokenizer_json(self):
        from open_clip.tokenizer import SimpleTokenizer
        tok = self.tokenizer
        if isinstance(tok, SimpleTokenizer):
            specials = [t for t, i in sorted(tok.encoder.items(), key=lambda kv: kv[1]) if i in tok.all_special_ids]
            sot, eot = specials[0], specials[1]
            return clip_bpe_tokenizer(tok.encoder, tok.bpe_ranks, tok.pat.pattern, sot, eot,
                                      self.context_length, 0, pad_token_name(tok))
        return hf_tokenizer_json(tok.tokenizer, self.context_length)


def pad_token_name(tok):
    """open_clip pads with id 0, which is the byte symbol '!': name it so."""
    return next(t for t, i in tok.encoder.items() if i == 0)


def hf_tokenizer_json(hf, context_length):
    """A HuggingFace tokenizer (fast or slow) as a fixed-length tokenizers file."""
    kinds = {c.__name__ for c in type(hf).__mro__}  # by name: a pruned transformers may lack one of them
    if "CLIPTokenizer" in kinds:
        return clip_bpe_tokenizer(hf.encoder, hf.bpe_ranks, hf.pat.pattern, hf.bos_token, hf.eos_token,
                                  context_length, hf.pad_token_id, hf.pad_token)
    if "BertTokenizer" in kinds:
        basic = hf.basic_tokenizer
        return wordpiece_tokenizer(hf.vocab, basic.do_lower_case, basic.strip_accents, hf.cls_token,
                                   hf.sep_token, hf.unk_token, context_length, hf.pad_token_id, hf.pad_token)
    if getattr(hf, "is_fast", False):
        spec = json.loads(hf.backend_tokenizer.to_str())
        return fixed_length(spec, context_length, hf.pad_token_id, hf.pad_token)
    raise ExportError(f"tokenizer {type(hf).__name__} is not supported (CLIP BPE, BERT WordPiece or a fast tokenizer)")


class HfClipFamily(Family):
    text_inputs = ["input_ids", "attention_mask"]
    crop_offset = "floor"  # Hugging Face's center_crop floors an odd margin; torchvision rounds it

    def __init__(self, args):
        transformers = import_library("transformers", "pip install transformers")
        patch_added_token()
        from transformers import CLIPModel, CLIPTokenizer
        model_dir = Path(args.model_dir)
        for name in ("config.json", "preprocessor_config.json", "vocab.json", "merges.txt"):
            if not (model_dir / name).is_file():
                raise ExportError(f"{model_dir}: no {name} (give a Hugging Face CLIPModel directory "
                                  "with its tokenizer and image processor files)")
        self.model = CLIPModel.from_pretrained(str(model_dir), local_files_only=True).eval()
        self.tokenizer = CLIPTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.processor = HfClipImageProcessor(model_dir / "preprocessor_config.json")
        p = self.processor
        self.image_size, self.interpolation = p.crop, p.interpolation
        self.mean, self.std = p.mean, p.std
        self.logit_scale = float(self.model.logit_scale.exp().item())
        self.context_length = int(self.model.config.text_config.max_position_embeddings)
        self.pad_id = int(self.tokenizer.pad_token_id)
        if getattr(self.tokenizer, "fix_text", None) is not None:
            # CLIPTokenizer._tokenize with ftfy importable: whitespace_clean(ftfy.fix_text(text)).lower(),
            # no html.unescape of its own. Without ftfy it takes BasicTokenizer, which is not recorded.
            self.text_clean = ["ftfy", "whitespace"]
        self.name = model_dir.name
        self.source = {"family": "hf-clip", "model_dir": describe(model_dir),
                       "library": f"transformers {transformers.__version__}"}

    def image_tower(self):
        return Tower(self.model, lambda m, x: m.get_image_features(pixel_values=x))

    def image_projection(self):
        bias = "" if self.model.visual_projection.bias is not None else ", no bias"
        return Tower(self.model, lambda m, f: m.visual_projection(f)), f"visual_projection (Linear{bias})"

    def image_feature(self, x):
        return self.model.vision_model(pixel_values=x, return_dict=True).pooler_output

    def text_tower(self):
        return Tower(self.model, lambda m, ids, mask: m.get_text_features(input_ids=ids, attention_mask=mask))

    def preprocess(self, pil_image):
        return self.processor(pil_image)

    def tokenize(self, texts):
        enc = self.tokenizer(texts, padding="max_length", max_length=self.context_length, truncation=True,
                             return_tensors="pt")
        return enc["input_ids"].long(), enc["attention_mask"].long()

    def tokenizer_json(self):
        return hf_tokenizer_json(self.tokenizer, self.context_length)


class HfClipImageProcessor:
    """A CLIPModel directory's preprocessor_config.json, checked to be what the bundle contract can
    say (shortest edge to S, center-crop S, rescale 1/255, normalise), applied by transformers'
    own CLIPImageProcessor when it is importable; otherwise by the same steps written out
    (transformers' image_transforms: PIL resize of the RGB image to int(S * long / short) with the
    config's resample, crop offsets (size - S) // 2, float32 rescale and normalise)."""

    def __init__(self, path):
        cfg = json.loads(Path(path).read_text(encoding="utf-8"))
        crop = cfg.get("crop_size", 224)
        crop = (crop["height"], crop["width"]) if isinstance(crop, dict) else (crop, crop)
        size = cfg.get("size", 224)
        short = size.get("shortest_edge") if isinstance(size, dict) else size
        if crop[0] != crop[1] or short != crop[0] or not cfg.get("do_resize", True) \
                or not cfg.get("do_center_crop", True):
            raise ExportError(f"{path}: resize {size}, crop {cfg.get('crop_size')} is not "
                              "'shortest edge to S, center-crop S' (the bundle contract)")
        if abs(cfg.get("rescale_factor", 1 / 255) - 1 / 255) > 1e-12 or not cfg.get("do_normalize", True):
            raise ExportError(f"{path}: rescale/normalise other than x/255 then (x - mean) / std")
        self.interpolation = {2: "bilinear", 3: "bicubic"}.get(int(cfg.get("resample", 3)))
        if self.interpolation is None:
            raise ExportError(f"{path}: resample {cfg.get('resample')} is not bicubic (3) or bilinear (2)")
        self.crop, self.resample = crop[0], int(cfg.get("resample", 3))
        self.mean, self.std = list(cfg["image_mean"]), list(cfg["image_std"])
        try:
            from transformers import CLIPImageProcessor
            self.hf = CLIPImageProcessor.from_pretrained(str(Path(path).parent), local_files_only=True)
        except Exception:  # a pruned transformers (as in ../shared/refmodels) lacks the image processors
            self.hf = None

    def __call__(self, pil_image):
        if self.hf is not None:
            return self.hf(images=pil_image, return_tensors="pt")["pixel_values"]
        im = pil_image.convert("RGB")
        w, h = im.size
        s = self.crop
        short, long = min(w, h), max(w, h)
        new_long = int(s * long / short)
        im = im.resize((s, new_long) if w <= h else (new_long, s), resample=self.resample)
        w, h = im.size
        top, left = (h - s) // 2, (w - s) // 2
        x = np.asarray(im).astype(np.float64) * (1 / 255)
        x = x.astype(np.float32)[top:top + s, left:left + s]
        x = (x - np.array(self.mean, dtype=np.float32)) / np.array(self.std, dtype=np.float32)
        return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))).unsqueeze(0)


class ConchFamily(Family):
    """CONCH v1 (CoCa): the text tower drops the last of 128 ids to make room for its CLS token,
    so the bundle's tokenizer gives CONCH's 127 ids and the traced tower appends the <pad> the
    original tokenize() adds; the image embedding is the attentional pooler's, projected by
    proj_contrast (or, with --image-feature pre-projection, before it)."""

    def __init__(self, args):
        import_library("conch", "pip install git+https://github.com/Mahmoodlab/CONCH.git")
        from conch.open_clip_custom import create_model_from_pretrained
        from conch.open_clip_custom.custom_tokenizer import TOKENIZER_DIR, DEFAULT_TOKENIZER
        from conch.open_clip_custom.factory import CFG_DIR
        cfg = "conch_ViT-B-16"
        if args.config:
            cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
        # TRIDENT and CLAM name CONCH v1's features conch_v1: a bundle of CONCH v1's own architecture
        # says it is that model (read before the factory pops keys of the config)
        own = json.loads((CFG_DIR / "conch_ViT-B-16.json").read_text(encoding="utf-8"))
        self.aka = ["conch_v1"] if args.config is None or cfg == own else []
        self.model, self.transform = create_model_from_pretrained(cfg, checkpoint_path=str(args.checkpoint))
        self.model.eval()
        self.tokenizer_file = TOKENIZER_DIR / DEFAULT_TOKENIZER
        self.projected = args.image_feature == "projected"
        t = self.transform.transforms
        self.image_size = t[1].size[0] if isinstance(t[1].size, (list, tuple)) else t[1].size
        self.mean, self.std = list(t[-1].mean), list(t[-1].std)
        self.logit_scale = float(self.model.logit_scale.exp().item())
        self.context_length = int(self.model.text.context_length) - 1  # the last position is the CLS token
        self.pad_id = 0
        self.name = "conch" if args.config is None else Path(args.config).stem
        self.source = {"family": "conch", "checkpoint": describe(args.checkpoint),
                       "config": "conch_ViT-B-16" if args.config is None else describe(args.config),
                       "image_feature": args.image_feature,
                       "license": "CONCH weights and code: CC BY-NC-ND 4.0, non-commercial research only"}

    def image_tower(self):
        projected = self.projected
        return Tower(self.model, lambda m, x: m.encode_image(x, normalize=False, proj_contrast=projected))

    def image_projection(self):
        """Also for pre-projection bundles: it records how their features reach the text space."""
        return Tower(self.model, lambda m, f: m.visual.forward_project(f)), \
            "visual.forward_project (proj_contrast)"

    def image_feature(self, x):
        return self.model.encode_image(x, proj_contrast=False, normalize=False)

    def projected_image(self, x):
        return self.model.encode_image(x, proj_contrast=True, normalize=False)

    def text_tower(self):
        pad = self.pad_id
        return Tower(self.model, lambda m, ids: m.encode_text(F.pad(ids, (0, 1), value=pad), normalize=False))

    def preprocess(self, pil_image):
        return self.transform(pil_image).unsqueeze(0)

    def tokenize(self, texts):
        """CONCH's tokenize(): its byte-level BPE at 127 ids (the 128th, its <pad>, the tower adds)."""
        try:
            from conch.open_clip_custom import get_tokenizer
            from conch.open_clip_custom.custom_tokenizer import tokenize
            ids = tokenize(get_tokenizer(), texts)
        except Exception as e:  # no Rust `tokenizers` Python binding: use its official Node binding
            ids = node_tokenize(self.tokenizer_file, texts, e)
        ids = torch.as_tensor(ids).long()
        if not bool((ids[:, -1] == self.pad_id).all()):
            raise ExportError("CONCH's tokenize() did not end every row with <pad>")
        return (ids[:, :-1],)

    def tokenizer_json(self):
        spec = json.loads(Path(self.tokenizer_file).read_text(encoding="utf-8"))
        pad = next(t["content"] for t in spec["added_tokens"] if t["id"] == self.pad_id)
        return fixed_length(spec, self.context_length, self.pad_id, pad)


NODE_TOKENIZE = """
const { Tokenizer } = require('tokenizers');
(async () => {
  const [file, texts] = process.argv.slice(1);
  const tok = Tokenizer.fromFile(file);
  const pad = tok.tokenToId('<pad>');
  tok.setTruncation(127);
  tok.setPadding({ maxLength: 127, padId: pad, padToken: '<pad>' });
  const out = [];
  for (const t of JSON.parse(texts)) {
    const enc = await tok.encode(t, null, { addSpecialTokens: true });
    out.push([...enc.getIds(), pad]);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(1); });
"""


def node_tokenize(tokenizer_file, texts, cause):
    """CONCH's tokenizer is HF `tokenizers` (Rust) behind transformers' PreTrainedTokenizerFast.
    Where only its official Node binding is installed (npm `tokenizers`, found through NODE_PATH),
    run the same Rust core with the settings of CONCH's tokenize()."""
    node = shutil.which("node")
    if node is None or not os.environ.get("NODE_PATH"):
        raise ExportError(f"CONCH's tokenizer needs the Rust `tokenizers` package "
                          f"(pip install tokenizers transformers): {cause}")
    res = subprocess.run([node, "-e", NODE_TOKENIZE, str(tokenizer_file), json.dumps(texts)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise ExportError(f"CONCH's tokenizer: no Python `tokenizers` ({cause}) and node failed: "
                          f"{res.stderr.strip()[:300]}")
    print("  CONCH prompts tokenized by the Rust tokenizers core through its Node binding")
    return json.loads(res.stdout)


FAMILIES = {"open_clip": OpenClipFamily, "hf-clip": HfClipFamily, "conch": ConchFamily}


def import_library(name, how):
    try:
        return __import__(name)
    except ImportError as e:
        raise ExportError(f"{sys.executable} cannot import {name} ({e}); {how}, or give --pythonpath DIR")


def patch_added_token():
    """Without the Rust `tokenizers`, transformers' pure-Python AddedToken is unhashable and every
    slow tokenizer fails to build (cf. huggingface/transformers#30696); give it the two methods the
    Rust class has.  A no-op where `tokenizers` is installed."""
    import transformers.tokenization_utils_base as tub
    if getattr(tub.AddedToken, "__hash__", None) is None:
        tub.AddedToken.__hash__ = lambda self: hash(self.content)
        tub.AddedToken.__setstate__ = lambda self, state: self.__dict__.update(state)


def describe(path):
    """A file by name, size and SHA-256 (a directory by name): recorded so a bundle names its weights."""
    p = Path(path)
    if p.is_dir():
        return p.name
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"file": p.name, "bytes": p.stat().st_size, "sha256": h.hexdigest()}


# ----------------------------------------------------------------------------- export

def check_token_ids(family, spec, texts):
    """The written tokenizer must give the family's own ids (checked here only where the Python
    `tokenizers` binding is installed; PathLens checks them again against the canary's ids)."""
    try:
        from tokenizers import Tokenizer
        tok = Tokenizer.from_str(json.dumps(spec))
    except Exception:
        return
    want = family.tokenize(texts)[0].tolist()
    got = [e.ids for e in tok.encode_batch(texts)]
    if got != want:
        raise ExportError(f"tokenizer.json gives other ids than the model's tokenizer: {got[0][:12]} vs {want[0][:12]}")


def export(family, out):
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    s = family.image_size
    images = lambda b: (torch.randn(b, 3, s, s),)  # noqa: E731
    dim_image = trace_tower("image tower", family.image_tower(), images(2), [images(1), images(3)],
                            out / "image_encoder.pt")
    texts = ["a photo of a cat", "tumor-infiltrating lymphocytes, 20x; mitotic figures!",
             "naïve café — résumé", "normal tissue " * 80]
    tokens = family.tokenize(texts)
    dim_text = trace_tower("text tower", family.text_tower(), tuple(t[:2] for t in tokens),
                           [tuple(t[2:3] for t in tokens), tuple(t[1:4] for t in tokens)],
                           out / "text_encoder.pt")
    if dim_image != dim_text:
        raise ExportError(f"image embeddings have {dim_image} dimensions, text {dim_text}: a bundle has "
                          "one embedding_dim for both")
    projection = family.image_projection()
    projection_json = trace_projection(family, projection, images(1), dim_image, out)
    spec = family.tokenizer_json()
    check_token_ids(family, spec, texts)
    with open(out / "tokenizer.json", "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    model_json = {"name": family.name}
    if family.aka:
        model_json["aka"] = list(family.aka)
    model_json.update({
        "embedding_dim": dim_image,
        "logit_scale": round(family.logit_scale, 6),
        "image": {"size": family.image_size, "resize": family.resize, "interpolation": family.interpolation,
                  "mean": family.mean, "std": family.std},
        "text": {"context_length": family.context_length, "inputs": family.text_inputs, "pad_id": family.pad_id},
        "source": family.source,
        "exported_with": f"pathlens_export.py, torch {torch.__version__}, python {sys.version.split()[0]}",
    })
    if family.text_clean:
        model_json["text"]["clean"] = list(family.text_clean)
    if family.crop_offset != "round":
        model_json["image"]["crop_offset"] = family.crop_offset
    if family.source.get("image_feature") == "pre-projection":
        model_json["image"]["feature"] = "pre-projection"
    if projection_json is not None:
        model_json["image"]["projection"] = projection_json
    with open(out / "model.json", "w", encoding="utf-8") as f:
        json.dump(model_json, f, ensure_ascii=False, indent=2)
        f.write("\n")
    write_canary(family, out, projection)
    print(f"exported {family.name}: {dim_image}-d, {family.image_size} px, "
          f"context {family.context_length}, logit scale {model_json['logit_scale']:g}")


def trace_projection(family, projection, image, embedding_dim, out):
    """Writes image_projection.pt where the family has a projection (family.image_projection()),
    and returns model.json's image.projection for it (None, and no file, where it has none)."""
    if projection is None:
        return None
    module, origin = projection
    with torch.no_grad():
        input_dim = int(family.image_feature(*image).shape[-1])
    features = lambda b: (torch.randn(b, input_dim),)  # noqa: E731
    dim = trace_tower("image projection", module, features(2), [features(1), features(3)],
                      out / "image_projection.pt")
    if dim != embedding_dim:
        raise ExportError(f"the image projection ({origin}) gives {dim} dimensions, the bundle's "
                          f"embeddings have {embedding_dim}")
    return {"input_dim": input_dim, "from": origin}


def write_canary(family, out, projection=None):
    """Two images and two prompts embedded by the original code (its preprocessing, its tokenizer,
    its eager model), with the token ids, so PathLens can tell a tokenizer fault from a numeric one."""
    (out / "canary").mkdir(exist_ok=True)
    names = ["canary/he_224x224.png", "canary/he_wide_256x176.png"]
    he_like(224, 224, 11).save(out / names[0])
    he_like(256, 176, 12).save(out / names[1])
    tower_i, tower_t = family.image_tower().eval(), family.text_tower().eval()
    with torch.no_grad():
        image_rows, projection_rows = [], []
        for n in names:
            with Image.open(out / n) as im:
                x = family.preprocess(im)
            image_rows.append({"file": n, "embedding": unit(tower_i(x))[0]})
            if projection is not None:
                projection_rows.append(projection_row(family, projection, n, x))
        tokens = family.tokenize(CANARY_TEXTS)
        emb = unit(tower_t(*tokens))
        text_rows = [{"text": t, "input_ids": tokens[0][i].tolist(), "embedding": emb[i]}
                     for i, t in enumerate(CANARY_TEXTS)]
    canary = {"reference": f"{family.source.get('library', family.source['family'])} "
                           f"(the model's own preprocessing, tokenizer and eager forward), torch {torch.__version__}",
              "images": image_rows, "texts": text_rows}
    if projection_rows:
        canary["projections"] = projection_rows
    (out / "canary.json").write_text(canary_json(canary), encoding="utf-8")


def projection_row(family, projection, name, x):
    """The canary image's pre-projection feature and unit(projection(feature)), both by the
    original eager code; the latter must be the model's own projected embedding of the image,
    or the projection written is not the one the projected tower uses."""
    module, origin = projection
    feature = family.image_feature(x)
    projected = module.eval()(feature)
    c = cosine(projected, family.projected_image(x))
    if c < MIN_PROJECTION_COSINE:
        raise ExportError(f"{origin} of {name}'s pre-projection feature is not the model's projected image "
                          f"embedding (cosine {c:.6f})")
    return {"file": name, "feature": feature[0].tolist(), "embedding": unit(projected)[0]}


def canary_json(canary):
    """canary.json with one input per line, so that a regenerated canary diffs readably
    (fixtures/scripts/make_canary.py writes the project's own canaries with it too)."""
    def block(key, last):
        rows = [f"    {json.dumps(item, ensure_ascii=False)}" for item in canary[key]]
        return [f'  "{key}": ['] + [r + ("," if i + 1 < len(rows) else "") for i, r in enumerate(rows)] + \
            ["  ]" + ("" if last else ",")]
    keys = [k for k in ("images", "texts", "projections") if k in canary]
    lines = ["{", f'  "reference": {json.dumps(canary["reference"])},']
    for i, key in enumerate(keys):
        lines += block(key, i + 1 == len(keys))
    lines += ["}", ""]
    return "\n".join(lines)


def main(argv):
    p = argparse.ArgumentParser(prog="pathlens export")
    sub = p.add_subparsers(dest="family", required=True)
    oc = sub.add_parser("open_clip")
    oc.add_argument("--arch")
    oc.add_argument("--config")
    oc.add_argument("--checkpoint", required=True)
    hf = sub.add_parser("hf-clip")
    hf.add_argument("--model-dir", required=True)
    co = sub.add_parser("conch")
    co.add_argument("--checkpoint", required=True)
    co.add_argument("--config")
    co.add_argument("--image-feature", choices=["projected", "pre-projection"], default="projected")
    for s in (oc, hf, co):
        s.add_argument("--out", required=True)
        s.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    for name in ("checkpoint", "config", "model_dir"):
        value = getattr(args, name, None)
        if value is not None and not Path(value).exists():
            raise ExportError(f"{value}: no such file")
    torch.set_grad_enabled(False)
    try:
        family = FAMILIES[args.family](args)
    except ExportError:
        raise
    except Exception as e:  # a checkpoint of another architecture, a damaged file, a wrong config
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise ExportError(f"cannot build the {args.family} model from the given files: "
                          f"{type(e).__name__}: {first[:400]}") from e
    export(family, Path(args.out))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except ExportError as e:
        print(f"export: {e}", file=sys.stderr)
        sys.exit(2)

/**
 * Writes a tiny random-weight llama-architecture model as a GGUF file, so the tests run real llama.cpp
 * inference (the local judge) with no download. What it holds:
 * - a byte-level BPE tokenizer (`gpt2` model, no merges): the 256 bytes in GPT-2's byte-to-unicode
 *   alphabet, then the control tokens <|endoftext|>, <|im_start|>, <|im_end|>;
 * - a ChatML chat template in `tokenizer.chat_template`;
 * - F32 tensors with the names and shapes llama.cpp's llama loader expects (token_embd, blk.N.attn_norm,
 *   attn_q/k/v/output, ffn_norm/gate/up/down, output_norm, output), filled from a seeded PRNG.
 * The model's words mean nothing: it exists to test plumbing, grammars, scheduling and failure paths.
 * With GgufSizeOptions it also writes random-weight models of real shapes (MODEL_SHAPES: Qwen3-1.7B,
 * Llama-3.2-3B) for measuring what the local judge costs on a CPU: Q4_0 matrices, the vocabulary padded to
 * the real size with filler tokens, streamed to disk (writeShapedGguf; ~1-2 GB). Not for the tests.
 * Format: GGUF v3 (github.com/ggml-org/ggml/blob/master/docs/gguf.md), little-endian, 32-byte alignment.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { mulberry32 } from '../../src/lab/statistics/prng.js';

export interface TinyModelShape {
  /** Embedding width (n_embd); a multiple of `heads`. */
  embedding: number;
  layers: number;
  heads: number;
  /** Key/value heads (grouped-query attention when fewer than `heads`). */
  kvHeads: number;
  feedForward: number;
  contextLength: number;
  seed: number;
  /** Width of one attention head; default embedding / heads (Qwen3 sets it explicitly). */
  headDim?: number;
  ropeFreqBase?: number;
}

/** What makes a model real-sized rather than tiny; the defaults write the tiny test model. */
export interface GgufSizeOptions {
  /** GGML type of the matrices (embedding, attention, feed-forward, output); norms stay F32. Default f32. */
  weights?: 'f32' | 'q4_0';
  /** Pad the vocabulary to this many tokens with filler tokens (normal tokens of 2+ letters) before the specials. */
  vocabulary?: number;
  /** Leave out output.weight: llama.cpp then uses token_embd for the output (as Qwen3-1.7B and Llama-3.2-3B do). */
  tiedEmbeddings?: boolean;
  /** q4_0: every block's f16 scale (weights are (q - 8) × scale, q in 0..15). Default 0.01. */
  blockScale?: number;
  name?: string;
}

/**
 * Published shapes (config.json on Hugging Face: Qwen/Qwen3-1.7B, meta-llama/Llama-3.2-3B-Instruct). Written with
 * the llama architecture: Qwen3's per-head q/k norms (a few thousand weights a layer) are left out.
 */
export const MODEL_SHAPES = {
  'qwen3-1.7b': {
    shape: {
      embedding: 2048,
      layers: 28,
      heads: 16,
      kvHeads: 8,
      headDim: 128,
      feedForward: 6144,
      contextLength: 40960,
      ropeFreqBase: 1_000_000,
      seed: 17,
    },
    vocabulary: 151936,
  },
  'llama-3.2-3b': {
    shape: {
      embedding: 3072,
      layers: 28,
      heads: 24,
      kvHeads: 8,
      headDim: 128,
      feedForward: 8192,
      contextLength: 131072,
      ropeFreqBase: 500_000,
      seed: 32,
    },
    vocabulary: 128256,
  },
} as const satisfies Record<string, { shape: TinyModelShape; vocabulary: number }>;
export type ModelShapeName = keyof typeof MODEL_SHAPES;

export const TINY_MODEL_SHAPE: TinyModelShape = {
  embedding: 64,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  feedForward: 128,
  contextLength: 4096,
  seed: 7,
};

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;
const TOKEN_TYPE = { normal: 1, control: 3 } as const;
const ALIGNMENT = 32;
const GGML_TYPE = { f32: 0, q4_0: 2 } as const;
/** Q4_0: 32 weights per block, stored as an f16 scale and 16 bytes of 4-bit values. */
const Q4_0_BLOCK = { weights: 32, bytes: 18 } as const;
/** Tensor data is produced and written in pieces of about this many bytes. */
const CHUNK_BYTES = 1 << 22;

enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

type MetadataValue =
  | { type: ValueType.UINT32 | ValueType.INT32 | ValueType.FLOAT32; value: number }
  | { type: ValueType.BOOL; value: boolean }
  | { type: ValueType.STRING; value: string }
  | { type: ValueType.ARRAY; itemType: ValueType.STRING; value: string[] }
  | { type: ValueType.ARRAY; itemType: ValueType.INT32; value: number[] };

interface Tensor {
  name: string;
  /** ggml order: the fastest-varying dimension first. */
  dims: number[];
  type: (typeof GGML_TYPE)[keyof typeof GGML_TYPE];
  byteLength: number;
  /** The tensor's bytes, produced on demand in order (tensors draw from one PRNG, in file order). */
  chunks(): Iterable<Buffer>;
}

/** GPT-2's byte → printable-character map (bytes_to_unicode), which byte-level BPE vocabularies are written in. */
export function byteToUnicode(): string[] {
  const printable = (byte: number) => (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
  const map: string[] = [];
  let next = 0;
  for (let byte = 0; byte < 256; byte++) map[byte] = String.fromCodePoint(printable(byte) ? byte : 256 + next++);
  return map;
}

/** Writes the model to `path` and returns its size in bytes. */
export function writeTinyGguf(path: string, shape: TinyModelShape = TINY_MODEL_SHAPE): number {
  const bytes = tinyGgufBytes(shape);
  writeFileSync(path, bytes);
  return bytes.length;
}

export function tinyGgufBytes(shape: TinyModelShape = TINY_MODEL_SHAPE): Buffer {
  const out = new ByteWriter();
  encodeGguf(modelParts(shape, {}), out);
  return out.toBuffer();
}

/** Streams a model of `shape` (with `options`, e.g. Q4_0 and a real vocabulary) to `path`; returns its size in bytes. */
export function writeShapedGguf(path: string, shape: TinyModelShape, options: GgufSizeOptions): number {
  const fd = openSync(path, 'w');
  try {
    let written = 0;
    const write = (chunk: Buffer) => {
      writeSync(fd, chunk);
      written += chunk.length;
    };
    const out = new ByteWriter();
    encodeGguf(modelParts(shape, options), out, (chunk) => {
      write(out.take()); // the header and padding held so far come first
      write(chunk);
    });
    write(out.take());
    return written;
  } finally {
    closeSync(fd);
  }
}

function modelParts(shape: TinyModelShape, options: GgufSizeOptions): { metadata: [string, MetadataValue][]; tensors: Tensor[] } {
  const bytes = byteToUnicode();
  const fillerCount = options.vocabulary === undefined ? 0 : options.vocabulary - bytes.length - SPECIAL_TOKENS.length;
  if (fillerCount < 0)
    throw new Error(`vocabulary: expected at least ${bytes.length + SPECIAL_TOKENS.length} tokens, got ${options.vocabulary}`);
  const tokens = [...bytes, ...fillerTokens(fillerCount), ...SPECIAL_TOKENS];
  const firstSpecial = bytes.length + fillerCount;
  const tokenTypes = tokens.map((_, index) => (index < firstSpecial ? TOKEN_TYPE.normal : TOKEN_TYPE.control));
  const tokenId = (token: (typeof SPECIAL_TOKENS)[number]) => firstSpecial + SPECIAL_TOKENS.indexOf(token);
  const headDim = shape.headDim ?? shape.embedding / shape.heads;
  const metadata: [string, MetadataValue][] = [
    ['general.architecture', { type: ValueType.STRING, value: 'llama' }],
    ['general.name', { type: ValueType.STRING, value: options.name ?? 'rewardkit tiny random llama (test model)' }],
    ['general.alignment', { type: ValueType.UINT32, value: ALIGNMENT }],
    ['llama.context_length', { type: ValueType.UINT32, value: shape.contextLength }],
    ['llama.embedding_length', { type: ValueType.UINT32, value: shape.embedding }],
    ['llama.block_count', { type: ValueType.UINT32, value: shape.layers }],
    ['llama.feed_forward_length', { type: ValueType.UINT32, value: shape.feedForward }],
    ['llama.attention.head_count', { type: ValueType.UINT32, value: shape.heads }],
    ['llama.attention.head_count_kv', { type: ValueType.UINT32, value: shape.kvHeads }],
    ...(headDim === shape.embedding / shape.heads
      ? []
      : ([
          ['llama.attention.key_length', { type: ValueType.UINT32, value: headDim }],
          ['llama.attention.value_length', { type: ValueType.UINT32, value: headDim }],
        ] as [string, MetadataValue][])),
    ['llama.attention.layer_norm_rms_epsilon', { type: ValueType.FLOAT32, value: 1e-5 }],
    ['llama.rope.dimension_count', { type: ValueType.UINT32, value: headDim }],
    ['llama.rope.freq_base', { type: ValueType.FLOAT32, value: shape.ropeFreqBase ?? 10_000 }],
    ['llama.vocab_size', { type: ValueType.UINT32, value: tokens.length }],
    ['tokenizer.ggml.model', { type: ValueType.STRING, value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: ValueType.STRING, value: 'default' }],
    ['tokenizer.ggml.tokens', { type: ValueType.ARRAY, itemType: ValueType.STRING, value: tokens }],
    ['tokenizer.ggml.token_type', { type: ValueType.ARRAY, itemType: ValueType.INT32, value: tokenTypes }],
    ['tokenizer.ggml.merges', { type: ValueType.ARRAY, itemType: ValueType.STRING, value: [] }],
    ['tokenizer.ggml.bos_token_id', { type: ValueType.UINT32, value: tokenId('<|endoftext|>') }],
    ['tokenizer.ggml.eos_token_id', { type: ValueType.UINT32, value: tokenId('<|im_end|>') }],
    ['tokenizer.ggml.padding_token_id', { type: ValueType.UINT32, value: tokenId('<|endoftext|>') }],
    ['tokenizer.ggml.add_bos_token', { type: ValueType.BOOL, value: false }],
    ['tokenizer.chat_template', { type: ValueType.STRING, value: CHATML_TEMPLATE }],
  ];
  return { metadata, tensors: llamaTensors(shape, tokens.length, options) };
}

/**
 * `count` distinct normal tokens of two or more letters, every other one with a leading space (Ġ), so the
 * vocabulary is as large as a real one and a random model writes multi-character pieces as real models do.
 * With no merges the tokenizer never produces them from text: prompts stay one token per byte.
 */
function fillerTokens(count: number): string[] {
  const tokens: string[] = [];
  for (let index = 0; index < count; index++) {
    let letters = '';
    // bijective base 26 from 27 upward: "aa", "ab", … — at least two letters, never equal to a byte token
    for (let rest = Math.floor(index / 2) + 27; rest > 0; rest = Math.floor((rest - 1) / 26))
      letters = String.fromCharCode(97 + ((rest - 1) % 26)) + letters;
    tokens.push(index % 2 === 1 ? `\u0120${letters}` : letters);
  }
  return tokens;
}

function llamaTensors(shape: TinyModelShape, vocabulary: number, options: GgufSizeOptions): Tensor[] {
  const random = mulberry32(shape.seed);
  const headDim = shape.headDim ?? shape.embedding / shape.heads;
  const qWidth = headDim * shape.heads;
  const kvWidth = headDim * shape.kvHeads;
  const blockScale = options.blockScale ?? 0.01;
  const weights = (name: string, dims: number[], scale: number): Tensor =>
    options.weights === 'q4_0' ? q4_0Tensor(name, dims, blockScale, random) : f32Tensor(name, dims, () => (random() * 2 - 1) * scale);
  const ones = (name: string, width: number): Tensor => f32Tensor(name, [width], () => 1);
  const scale = 1 / Math.sqrt(shape.embedding);
  const tensors: Tensor[] = [weights('token_embd.weight', [shape.embedding, vocabulary], 1)];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      ones(`${block}.attn_norm.weight`, shape.embedding),
      weights(`${block}.attn_q.weight`, [shape.embedding, qWidth], scale),
      weights(`${block}.attn_k.weight`, [shape.embedding, kvWidth], scale),
      weights(`${block}.attn_v.weight`, [shape.embedding, kvWidth], scale),
      weights(`${block}.attn_output.weight`, [qWidth, shape.embedding], scale),
      ones(`${block}.ffn_norm.weight`, shape.embedding),
      weights(`${block}.ffn_gate.weight`, [shape.embedding, shape.feedForward], scale),
      weights(`${block}.ffn_up.weight`, [shape.embedding, shape.feedForward], scale),
      weights(`${block}.ffn_down.weight`, [shape.feedForward, shape.embedding], 1 / Math.sqrt(shape.feedForward)),
    );
  }
  tensors.push(ones('output_norm.weight', shape.embedding));
  if (!options.tiedEmbeddings) tensors.push(weights('output.weight', [shape.embedding, vocabulary], scale));
  return tensors;
}

function f32Tensor(name: string, dims: number[], value: () => number): Tensor {
  const count = dims.reduce((product, dim) => product * dim, 1);
  return {
    name,
    dims,
    type: GGML_TYPE.f32,
    byteLength: count * 4,
    *chunks() {
      const perChunk = CHUNK_BYTES / 4;
      for (let start = 0; start < count; start += perChunk) {
        const data = new Float32Array(Math.min(perChunk, count - start));
        for (let index = 0; index < data.length; index++) data[index] = value();
        yield Buffer.from(data.buffer);
      }
    },
  };
}

/** Random 4-bit values under one f16 scale: weights (q − 8) × scale, uniform in [−8, 7] × scale. */
function q4_0Tensor(name: string, dims: number[], scale: number, random: () => number): Tensor {
  if (dims[0]! % Q4_0_BLOCK.weights !== 0) throw new Error(`tensor ${name}: q4_0 needs a first dimension divisible by 32, got ${dims[0]}`);
  const blocks = dims.reduce((product, dim) => product * dim, 1) / Q4_0_BLOCK.weights;
  const scaleBits = float16Bits(scale);
  return {
    name,
    dims,
    type: GGML_TYPE.q4_0,
    byteLength: blocks * Q4_0_BLOCK.bytes,
    *chunks() {
      const perChunk = Math.floor(CHUNK_BYTES / Q4_0_BLOCK.bytes);
      // one PRNG draw seeds a fast xorshift per chunk: a gigabyte of nibbles in seconds
      for (let start = 0; start < blocks; start += perChunk) {
        const count = Math.min(perChunk, blocks - start);
        const chunk = Buffer.alloc(count * Q4_0_BLOCK.bytes);
        let state = Math.floor(random() * 0xffffffff) | 1;
        for (let block = 0, offset = 0; block < count; block++, offset += Q4_0_BLOCK.bytes) {
          chunk.writeUInt16LE(scaleBits, offset);
          for (let word = 0; word < 4; word++) {
            state ^= state << 13;
            state ^= state >>> 17;
            state ^= state << 5;
            chunk.writeInt32LE(state | 0, offset + 2 + word * 4);
          }
        }
        yield chunk;
      }
    },
  };
}

/** IEEE half-precision bits of a normal number (round to nearest). */
function float16Bits(value: number): number {
  const f32 = new DataView(new ArrayBuffer(4));
  f32.setFloat32(0, value);
  const bits = f32.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0 || exponent >= 31) throw new Error(`blockScale: expected a normal f16 number (6.1e-5 to 65504 in size), got ${value}`);
  return sign | ((exponent << 10) + Math.round((bits & 0x7fffff) / 0x2000));
}

/**
 * The header into `out`, then each tensor's bytes (aligned): into `out` too, or, with `stream`, handed to it one
 * chunk at a time (`stream` writes what `out` holds first, so a file of any size never sits in memory).
 */
function encodeGguf(
  { metadata, tensors }: { metadata: readonly [string, MetadataValue][]; tensors: readonly Tensor[] },
  out: ByteWriter,
  stream?: (chunk: Buffer) => void,
): void {
  out.u32(0x46554747); // "GGUF"
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    out.u32(value.type);
    writeValue(out, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(tensor.type);
    out.u64(offset);
    offsets.push(offset);
    offset = alignUp(offset + tensor.byteLength);
  }
  out.pad(ALIGNMENT);
  const dataStart = out.total;
  tensors.forEach((tensor, index) => {
    out.pad(ALIGNMENT);
    if (out.total - dataStart !== offsets[index])
      throw new Error(`tensor ${tensor.name}: data at ${out.total - dataStart}, expected ${offsets[index]}`);
    for (const chunk of tensor.chunks()) {
      if (!stream) {
        out.bytes(chunk);
        continue;
      }
      stream(chunk);
      out.skip(chunk.length);
    }
  });
}

function writeValue(out: ByteWriter, value: MetadataValue): void {
  switch (value.type) {
    case ValueType.UINT32:
      return out.u32(value.value);
    case ValueType.INT32:
      return out.i32(value.value);
    case ValueType.FLOAT32:
      return out.f32(value.value);
    case ValueType.BOOL:
      return out.u8(value.value ? 1 : 0);
    case ValueType.STRING:
      return out.string(value.value);
    case ValueType.ARRAY:
      out.u32(value.itemType);
      out.u64(value.value.length);
      if (value.itemType === ValueType.STRING) for (const item of value.value) out.string(item);
      else for (const item of value.value) out.i32(item);
  }
}

function alignUp(offset: number): number {
  return Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
}

class ByteWriter {
  private chunks: Buffer[] = [];
  /** Bytes held (not yet taken). */
  length = 0;
  /** Bytes of the whole file so far: those held, taken, and written elsewhere (`skip`). */
  total = 0;

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    this.total += chunk.length;
  }

  /** Counts bytes written past this writer (tensor data streamed to a file), for offsets and padding. */
  skip(length: number): void {
    this.total += length;
  }

  u8(value: number): void {
    this.push(Buffer.from([value]));
  }

  u32(value: number): void {
    const chunk = Buffer.alloc(4);
    chunk.writeUInt32LE(value);
    this.push(chunk);
  }

  i32(value: number): void {
    const chunk = Buffer.alloc(4);
    chunk.writeInt32LE(value);
    this.push(chunk);
  }

  f32(value: number): void {
    const chunk = Buffer.alloc(4);
    chunk.writeFloatLE(value);
    this.push(chunk);
  }

  u64(value: number): void {
    const chunk = Buffer.alloc(8);
    chunk.writeBigUInt64LE(BigInt(value));
    this.push(chunk);
  }

  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.u64(encoded.length);
    this.push(encoded);
  }

  bytes(value: Buffer): void {
    this.push(Buffer.from(value));
  }

  pad(alignment: number): void {
    const missing = (alignment - (this.total % alignment)) % alignment;
    if (missing > 0) this.push(Buffer.alloc(missing));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The bytes held so far, emptying the writer (`total` keeps counting). */
  take(): Buffer {
    const bytes = Buffer.concat(this.chunks);
    this.chunks = [];
    this.length = 0;
    return bytes;
  }
}

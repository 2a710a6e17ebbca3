/**
 * Writes a tiny random-weight llama-architecture model as a GGUF file, so the tests run real llama.cpp
 * inference (the local judge) with no download. What it holds:
 * - a byte-level BPE tokenizer (`gpt2` model, no merges): the 256 bytes in GPT-2's byte-to-unicode
 *   alphabet, then the control tokens <|endoftext|>, <|im_start|>, <|im_end|>;
 * - a ChatML chat template in `tokenizer.chat_template`;
 * - F32 tensors with the names and shapes llama.cpp's llama loader expects (token_embd, blk.N.attn_norm,
 *   attn_q/k/v/output, ffn_norm/gate/up/down, output_norm, output), filled from a seeded PRNG.
 * The model's words mean nothing: it exists to test plumbing, grammars, scheduling and failure paths.
 * Format: GGUF v3 (github.com/ggml-org/ggml/blob/master/docs/gguf.md), little-endian, 32-byte alignment.
 */
import { writeFileSync } from 'node:fs';
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
}

export const TINY_MODEL_SHAPE: TinyModelShape = { embedding: 64, layers: 2, heads: 4, kvHeads: 2, feedForward: 128, contextLength: 4096, seed: 7 };

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;
const TOKEN_TYPE = { normal: 1, control: 3 } as const;
const ALIGNMENT = 32;

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
  data: Float32Array;
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
  const tokens = [...byteToUnicode(), ...SPECIAL_TOKENS];
  const tokenTypes = tokens.map((_, index) => (index < 256 ? TOKEN_TYPE.normal : TOKEN_TYPE.control));
  const tokenId = (token: (typeof SPECIAL_TOKENS)[number]) => 256 + SPECIAL_TOKENS.indexOf(token);
  const headDim = shape.embedding / shape.heads;
  const metadata: [string, MetadataValue][] = [
    ['general.architecture', { type: ValueType.STRING, value: 'llama' }],
    ['general.name', { type: ValueType.STRING, value: 'rewardkit tiny random llama (test model)' }],
    ['general.alignment', { type: ValueType.UINT32, value: ALIGNMENT }],
    ['llama.context_length', { type: ValueType.UINT32, value: shape.contextLength }],
    ['llama.embedding_length', { type: ValueType.UINT32, value: shape.embedding }],
    ['llama.block_count', { type: ValueType.UINT32, value: shape.layers }],
    ['llama.feed_forward_length', { type: ValueType.UINT32, value: shape.feedForward }],
    ['llama.attention.head_count', { type: ValueType.UINT32, value: shape.heads }],
    ['llama.attention.head_count_kv', { type: ValueType.UINT32, value: shape.kvHeads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: ValueType.FLOAT32, value: 1e-5 }],
    ['llama.rope.dimension_count', { type: ValueType.UINT32, value: headDim }],
    ['llama.rope.freq_base', { type: ValueType.FLOAT32, value: 10_000 }],
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
  return encodeGguf(metadata, llamaTensors(shape, tokens.length));
}

function llamaTensors(shape: TinyModelShape, vocabulary: number): Tensor[] {
  const random = mulberry32(shape.seed);
  const kvWidth = (shape.embedding / shape.heads) * shape.kvHeads;
  const weights = (name: string, dims: number[], scale: number): Tensor => {
    const data = new Float32Array(dims.reduce((product, dim) => product * dim, 1));
    for (let index = 0; index < data.length; index++) data[index] = (random() * 2 - 1) * scale;
    return { name, dims, data };
  };
  const ones = (name: string, width: number): Tensor => ({ name, dims: [width], data: new Float32Array(width).fill(1) });
  const scale = 1 / Math.sqrt(shape.embedding);
  const tensors: Tensor[] = [weights('token_embd.weight', [shape.embedding, vocabulary], 1)];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      ones(`${block}.attn_norm.weight`, shape.embedding),
      weights(`${block}.attn_q.weight`, [shape.embedding, shape.embedding], scale),
      weights(`${block}.attn_k.weight`, [shape.embedding, kvWidth], scale),
      weights(`${block}.attn_v.weight`, [shape.embedding, kvWidth], scale),
      weights(`${block}.attn_output.weight`, [shape.embedding, shape.embedding], scale),
      ones(`${block}.ffn_norm.weight`, shape.embedding),
      weights(`${block}.ffn_gate.weight`, [shape.embedding, shape.feedForward], scale),
      weights(`${block}.ffn_up.weight`, [shape.embedding, shape.feedForward], scale),
      weights(`${block}.ffn_down.weight`, [shape.feedForward, shape.embedding], 1 / Math.sqrt(shape.feedForward)),
    );
  }
  tensors.push(ones('output_norm.weight', shape.embedding), weights('output.weight', [shape.embedding, vocabulary], scale));
  return tensors;
}

function encodeGguf(metadata: readonly [string, MetadataValue][], tensors: readonly Tensor[]): Buffer {
  const out = new ByteWriter();
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
    out.u32(0); // GGML_TYPE_F32
    out.u64(offset);
    offsets.push(offset);
    offset = alignUp(offset + tensor.data.byteLength);
  }
  out.pad(ALIGNMENT);
  const dataStart = out.length;
  tensors.forEach((tensor, index) => {
    out.pad(ALIGNMENT);
    if (out.length - dataStart !== offsets[index]) throw new Error(`tensor ${tensor.name}: data at ${out.length - dataStart}, expected ${offsets[index]}`);
    out.bytes(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  });
  return out.toBuffer();
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
  private readonly chunks: Buffer[] = [];
  length = 0;

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
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
    const missing = (alignment - (this.length % alignment)) % alignment;
    if (missing > 0) this.push(Buffer.alloc(missing));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

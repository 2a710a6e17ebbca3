import { describe, expect, it } from 'vitest';
import { ollamaBaseUrl, OLLAMA_DEFAULT_BASE_URL } from './ollama.js';

describe('ollamaBaseUrl', () => {
  it("is Ollama's OpenAI-compatible endpoint on 127.0.0.1:11434 unless OLLAMA_HOST says otherwise", () => {
    expect(ollamaBaseUrl({})).toBe(OLLAMA_DEFAULT_BASE_URL);
    expect(OLLAMA_DEFAULT_BASE_URL).toBe('http://127.0.0.1:11434/v1');
    expect(ollamaBaseUrl({ OLLAMA_HOST: '0.0.0.0' })).toBe('http://0.0.0.0:11434/v1');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'gpu-box:8080' })).toBe('http://gpu-box:8080/v1');
    expect(ollamaBaseUrl({ OLLAMA_HOST: ':9999' })).toBe('http://127.0.0.1:9999/v1');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'https://ollama.example.com/' })).toBe('https://ollama.example.com/v1');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'http://10.0.0.5:11434/v1' })).toBe('http://10.0.0.5:11434/v1');
  });
});

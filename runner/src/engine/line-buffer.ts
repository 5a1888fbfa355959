// Process output arrives in chunks; redaction works on whole lines, so chunks are cut at newlines
// and the remainder is held until the next newline or the end of the process.
export class LineBuffer {
  #pending = '';

  constructor(readonly emit: (text: string) => void) {}

  push(chunk: string): void {
    const text = this.#pending + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.#pending = text;
      return;
    }
    this.#pending = text.slice(cut + 1);
    this.emit(text.slice(0, cut + 1));
  }

  flush(): void {
    if (this.#pending !== '') this.emit(this.#pending);
    this.#pending = '';
  }
}

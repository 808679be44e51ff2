/** Hands a file to the browser as a download (the one helper every export uses). */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: the download reads the URL after this task.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

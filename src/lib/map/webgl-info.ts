/**
 * Whether WebGL runs in software here (SwiftShader, llvmpipe, Mesa's softpipe, Windows' basic
 * render driver): GPU work such as deck.gl's HeatmapLayer then costs seconds of main-thread CPU,
 * so /heatmap draws it at a lower resolution and says so.
 */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}

let cached: boolean | null = null;

/** Asked once per page with a throw-away context, which is given back at once. */
export function softwareWebGl(): boolean {
  if (cached != null) return cached;
  cached = false;
  if (typeof document === 'undefined') return cached;
  const gl =
    document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return cached;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  cached = isSoftwareRenderer(String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return cached;
}

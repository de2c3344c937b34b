/**
 * The standard OpenPose rendering's constants (ControlNet 1.1 / controlnet_aux `draw_bodypose`,
 * `draw_handpose`, `draw_facepose`), and which keypoints trade places when a figure is mirrored.
 */

/** Half the width of a limb's ellipse, in pixels ("stickwidth"). */
export const STICK_WIDTH = 4;
/** Radius of a body or hand joint's circle. */
export const JOINT_RADIUS = 4;
/** Radius of a face point's circle. */
export const FACE_POINT_RADIUS = 3;
/** The limbs are drawn, then the whole canvas is multiplied by this (the limbs look dimmer than the joints). */
export const LIMB_DIMMING = 0.6;

/** The 18 colours, RGB: limb i uses colour i, keypoint j uses colour j. */
export const OPENPOSE_COLOURS: readonly (readonly [number, number, number])[] = [
  [255, 0, 0],
  [255, 85, 0],
  [255, 170, 0],
  [255, 255, 0],
  [170, 255, 0],
  [85, 255, 0],
  [0, 255, 0],
  [0, 255, 85],
  [0, 255, 170],
  [0, 255, 255],
  [0, 170, 255],
  [0, 85, 255],
  [0, 0, 255],
  [85, 0, 255],
  [170, 0, 255],
  [255, 0, 255],
  [255, 0, 170],
  [255, 0, 85],
];

/**
 * The 17 limbs (0-based keypoint pairs) in drawing order, which is also their colour order. This is
 * controlnet_aux's `limbSeq` ([[2,3],[2,6],[3,4],...] 1-based): neck-right shoulder is limb 0 (red) and
 * neck-nose limb 12 (blue). OPENPOSE.md lists the same 17 pairs in another order (0-1 first); the order
 * here is the one the ControlNet annotators draw, so the colours match the sheets the model learnt from.
 */
export const BODY_LIMBS: readonly (readonly [number, number])[] = [
  [1, 2],
  [1, 5],
  [2, 3],
  [3, 4],
  [5, 6],
  [6, 7],
  [1, 8],
  [8, 9],
  [9, 10],
  [1, 11],
  [11, 12],
  [12, 13],
  [1, 0],
  [0, 14],
  [14, 16],
  [0, 15],
  [15, 17],
];

/** Hand edges (0 is the wrist); edge i is drawn in hue i/20, 2 px thick. */
export const HAND_EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [0, 5],
  [5, 6],
  [6, 7],
  [7, 8],
  [0, 9],
  [9, 10],
  [10, 11],
  [11, 12],
  [0, 13],
  [13, 14],
  [14, 15],
  [15, 16],
  [0, 17],
  [17, 18],
  [18, 19],
  [19, 20],
];
export const HAND_JOINT_COLOUR = [0, 0, 255] as const;
export const FACE_POINT_COLOUR = [255, 255, 255] as const;

/**
 * A hand edge's colour: matplotlib's hsv_to_rgb([i / 20, 1, 1]) * 255, as OpenCV takes it (rounded).
 */
export function handEdgeColour(edge: number): [number, number, number] {
  const h = (edge / HAND_EDGES.length) * 6;
  const sector = Math.floor(h) % 6;
  const f = h - Math.floor(h);
  const q = 1 - f;
  const rgb: [number, number, number][] = [
    [1, f, 0],
    [q, 1, 0],
    [0, 1, f],
    [0, q, 1],
    [f, 0, 1],
    [1, 0, q],
  ];
  const [r, g, b] = rgb[sector] ?? [1, 0, 0];
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/** Body keypoints that trade places on a mirror: the person's right becomes their left. */
export const BODY_MIRROR_PAIRS: readonly (readonly [number, number])[] = [
  [2, 5],
  [3, 6],
  [4, 7],
  [8, 11],
  [9, 12],
  [10, 13],
  [14, 15],
  [16, 17],
];

/**
 * Face landmarks that trade places on a mirror (the iBUG 68-point layout OpenPose and DWPose use, plus
 * OpenPose's two pupils, 68 and 69). Points on the middle line (nose bridge, lip centres) stay.
 */
export const FACE_MIRROR_PAIRS: readonly (readonly [number, number])[] = [
  // jaw 0..16
  ...Array.from({ length: 8 }, (_, i) => [i, 16 - i] as const),
  // eyebrows 17..21 <-> 26..22
  ...Array.from({ length: 5 }, (_, i) => [17 + i, 26 - i] as const),
  // nostrils 31..35
  [31, 35],
  [32, 34],
  // eyes
  [36, 45],
  [37, 44],
  [38, 43],
  [39, 42],
  [40, 47],
  [41, 46],
  // outer lips
  [48, 54],
  [49, 53],
  [50, 52],
  [55, 59],
  [56, 58],
  // inner lips
  [60, 64],
  [61, 63],
  [65, 67],
  // pupils
  [68, 69],
];

/**
 * The body keypoints of the face: nose and eyes. A back view drops them; the ears stay, because from
 * behind they still show where the head is (and keep the head inside the figure's box).
 */
export const FACE_BODY_KEYPOINTS: readonly number[] = [0, 14, 15];

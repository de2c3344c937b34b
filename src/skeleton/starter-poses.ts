/**
 * The starter pose library: poses a new project can start from, as COCO-18 keypoint data (not images),
 * so they render at any size, carry exact figure boxes, and can be edited joint by joint.
 *
 * Each pose is one figure on a 512 x 768 canvas (portrait, the shape of a single figure), in canvas
 * pixels, keypoints in COCO-18 order (BODY_KEYPOINT_NAMES); `null` is a keypoint the view does not show.
 * Front views show every face point; three-quarter and side views hide the far ear (and, side on, the
 * far eye); back views drop the nose and eyes and keep the ears. The data was laid out from a simple
 * jointed figure turned to each view; it is plain data here so that it can be read, reviewed and edited.
 */
import type { Skeleton } from '../domain/skeleton';

export type StarterView = 'front' | 'three-quarter' | 'side' | 'back';

export interface StarterPose {
  /** Stable key: tests, the CLI and the import's deduplication name poses by it. */
  readonly key: string;
  readonly name: string;
  readonly view: StarterView;
  readonly tags: readonly string[];
  /** 18 keypoints, [x, y] in canvas pixels or null when not shown. */
  readonly body: readonly (readonly [number, number] | null)[];
}

/** The canvas every starter pose is drawn on. */
export const STARTER_CANVAS = { width: 512, height: 768 } as const;

// One pose a block, its 18 keypoints on one line, so poses can be compared at a glance.
// prettier-ignore
export const STARTER_POSES: readonly StarterPose[] = [
  {
    key: 'standing-front',
    name: 'Standing, front',
    view: 'front',
    tags: ['standing'],
    body: [[256, 140], [256, 198], [208, 198], [194, 297], [187, 391], [304, 198], [318, 297], [325, 391], [228, 393], [221, 517], [221, 642], [284, 393], [291, 517], [291, 642], [242, 126], [270, 126], [226, 134], [286, 134]],
  },
  {
    key: 'standing-three-quarter',
    name: 'Standing, three-quarter',
    view: 'three-quarter',
    tags: ['standing'],
    body: [[267, 140], [251, 198], [213, 198], [202, 297], [202, 391], [289, 198], [300, 297], [310, 391], [229, 393], [224, 517], [224, 642], [273, 393], [278, 517], [278, 642], [252, 126], [274, 126], [224, 134], null],
  },
  {
    key: 'standing-side',
    name: 'Standing, side',
    view: 'side',
    tags: ['standing'],
    body: [[275, 140], [250, 198], [240, 198], [237, 297], [244, 391], [260, 198], [263, 297], [272, 391], [244, 393], [243, 517], [243, 642], [256, 393], [257, 517], [257, 642], [266, 126], null, [238, 134], null],
  },
  {
    key: 'standing-back',
    name: 'Standing, back',
    view: 'back',
    tags: ['standing'],
    body: [null, [256, 194], [304, 194], [318, 293], [325, 387], [208, 194], [194, 293], [187, 387], [284, 389], [291, 513], [291, 638], [228, 389], [221, 513], [221, 638], null, null, [286, 130], [226, 130]],
  },
  {
    key: 'hands-on-hips-front',
    name: 'Hands on hips, front',
    view: 'front',
    tags: ['standing'],
    body: [[256, 140], [256, 198], [208, 198], [144, 274], [211, 341], [304, 198], [368, 274], [301, 341], [228, 393], [211, 517], [198, 642], [284, 393], [301, 517], [314, 642], [242, 126], [270, 126], [226, 134], [286, 134]],
  },
  {
    key: 'hands-on-hips-back',
    name: 'Hands on hips, back',
    view: 'back',
    tags: ['standing'],
    body: [null, [256, 194], [304, 194], [368, 270], [301, 337], [208, 194], [144, 270], [211, 337], [284, 389], [301, 513], [314, 638], [228, 389], [211, 513], [198, 638], null, null, [286, 130], [226, 130]],
  },
  {
    key: 'walking-front',
    name: 'Walking, front',
    view: 'front',
    tags: ['walking'],
    body: [[258, 141], [258, 199], [210, 199], [189, 279], [172, 311], [306, 199], [326, 284], [340, 375], [230, 394], [221, 496], [217, 610], [286, 394], [299, 517], [307, 641], [244, 127], [272, 127], [228, 135], [288, 135]],
  },
  {
    key: 'walking-three-quarter',
    name: 'Walking, three-quarter',
    view: 'three-quarter',
    tags: ['walking'],
    body: [[285, 146], [269, 204], [231, 204], [251, 294], [286, 367], [307, 204], [286, 294], [279, 388], [247, 399], [217, 516], [179, 624], [291, 399], [327, 512], [333, 636], [270, 132], [292, 132], [241, 140], null],
  },
  {
    key: 'walking-side',
    name: 'Walking, side',
    view: 'side',
    tags: ['walking'],
    body: [[292, 146], [266, 204], [256, 204], [296, 294], [355, 367], [276, 204], [237, 294], [221, 388], [261, 399], [218, 516], [157, 624], [272, 399], [325, 512], [335, 636], [283, 132], null, [254, 140], null],
  },
  {
    key: 'walking-back',
    name: 'Walking, back',
    view: 'back',
    tags: ['walking'],
    body: [null, [254, 195], [302, 195], [323, 275], [340, 307], [206, 195], [186, 280], [172, 371], [282, 390], [291, 492], [295, 606], [226, 390], [213, 513], [205, 637], null, null, [284, 131], [224, 131]],
  },
  {
    key: 'running-front',
    name: 'Running, front',
    view: 'front',
    tags: ['running'],
    body: [[256, 183], [256, 234], [208, 234], [194, 297], [186, 225], [304, 234], [318, 297], [326, 370], [228, 425], [221, 527], [221, 505], [284, 425], [291, 477], [291, 600], [242, 168], [270, 168], [226, 170], [286, 170]],
  },
  {
    key: 'running-three-quarter',
    name: 'Running, three-quarter',
    view: 'three-quarter',
    tags: ['running'],
    body: [[322, 183], [306, 234], [268, 234], [304, 297], [335, 225], [344, 234], [308, 297], [352, 370], [259, 425], [210, 527], [134, 505], [303, 425], [378, 477], [365, 600], [307, 168], [329, 168], [279, 170], null],
  },
  {
    key: 'running-side',
    name: 'Running, side',
    view: 'side',
    tags: ['running'],
    body: [[341, 183], [315, 234], [305, 234], [376, 297], [434, 225], [325, 234], [254, 297], [315, 370], [270, 425], [198, 527], [78, 505], [281, 425], [393, 477], [372, 600], [332, 168], null, [303, 170], null],
  },
  {
    key: 'sitting-front',
    name: 'Sitting on a chair, front',
    view: 'front',
    tags: ['sitting'],
    body: [[256, 200], [256, 258], [208, 258], [198, 354], [191, 379], [304, 258], [314, 354], [321, 379], [228, 453], [211, 457], [202, 582], [284, 453], [301, 457], [310, 582], [242, 186], [270, 186], [226, 194], [286, 194]],
  },
  {
    key: 'sitting-three-quarter',
    name: 'Sitting on a chair, three-quarter',
    view: 'three-quarter',
    tags: ['sitting'],
    body: [[229, 200], [213, 258], [175, 258], [183, 354], [234, 379], [251, 258], [275, 354], [337, 379], [191, 453], [254, 457], [247, 582], [235, 453], [325, 457], [332, 582], [214, 186], [237, 186], [186, 194], null],
  },
  {
    key: 'sitting-side',
    name: 'Sitting on a chair, side',
    view: 'side',
    tags: ['sitting'],
    body: [[221, 200], [196, 258], [186, 258], [209, 354], [297, 379], [206, 258], [233, 354], [324, 379], [190, 453], [307, 457], [306, 582], [202, 453], [326, 457], [328, 582], [213, 186], null, [184, 194], null],
  },
  {
    key: 'sitting-floor-front',
    name: 'Sitting cross-legged, front',
    view: 'front',
    tags: ['sitting'],
    body: [[256, 230], [256, 288], [208, 288], [182, 379], [166, 425], [304, 288], [330, 379], [346, 425], [228, 483], [111, 504], [219, 552], [284, 483], [401, 504], [293, 552], [242, 216], [270, 216], [226, 224], [286, 224]],
  },
  {
    key: 'kneeling-side',
    name: 'Kneeling, side',
    view: 'side',
    tags: ['kneeling'],
    body: [[282, 191], [257, 249], [247, 249], [261, 347], [306, 429], [267, 249], [287, 347], [334, 429], [251, 444], [370, 466], [370, 591], [263, 444], [264, 569], [142, 569], [274, 177], null, [245, 185], null],
  },
  {
    key: 'jumping-front',
    name: 'Jumping, front',
    view: 'front',
    tags: ['jumping'],
    body: [[256, 230], [256, 288], [208, 288], [158, 202], [133, 110], [304, 288], [354, 202], [379, 110], [228, 483], [206, 563], [195, 658], [284, 483], [306, 563], [317, 658], [242, 216], [270, 216], [226, 224], [286, 224]],
  },
  {
    key: 'jumping-side',
    name: 'Jumping, side',
    view: 'side',
    tags: ['jumping'],
    body: [[243, 230], [217, 288], [207, 288], [197, 202], [192, 110], [227, 288], [238, 202], [243, 110], [212, 483], [299, 563], [219, 658], [223, 483], [320, 563], [244, 658], [234, 216], null, [205, 224], null],
  },
  {
    key: 'star-jump-front',
    name: 'Star jump, front',
    view: 'front',
    tags: ['jumping'],
    body: [[256, 177], [256, 235], [208, 235], [126, 178], [59, 111], [304, 235], [386, 178], [453, 111], [228, 430], [175, 544], [122, 657], [284, 430], [337, 544], [390, 657], [242, 163], [270, 163], [226, 171], [286, 171]],
  },
  {
    key: 'waving-front',
    name: 'Waving, front',
    view: 'front',
    tags: ['waving'],
    body: [[307, 158], [307, 216], [259, 216], [161, 199], [136, 107], [355, 216], [369, 315], [376, 410], [279, 411], [273, 536], [273, 661], [335, 411], [342, 536], [342, 661], [293, 144], [321, 144], [277, 152], [337, 152]],
  },
  {
    key: 'waving-three-quarter',
    name: 'Waving, three-quarter',
    view: 'three-quarter',
    tags: ['waving'],
    body: [[310, 158], [294, 216], [256, 216], [178, 199], [159, 107], [332, 216], [343, 315], [353, 410], [272, 411], [267, 536], [267, 661], [316, 411], [321, 536], [321, 661], [295, 144], [317, 144], [267, 152], null],
  },
  {
    key: 'waving-back',
    name: 'Waving, back',
    view: 'back',
    tags: ['waving'],
    body: [null, [205, 216], [253, 216], [351, 199], [376, 107], [157, 216], [143, 315], [136, 410], [233, 411], [239, 536], [239, 661], [177, 411], [170, 536], [170, 661], null, null, [235, 152], [175, 152]],
  },
  {
    key: 'pointing-front',
    name: 'Pointing, front',
    view: 'front',
    tags: ['pointing'],
    body: [[343, 140], [343, 198], [295, 198], [195, 201], [100, 201], [391, 198], [405, 297], [412, 391], [315, 393], [309, 517], [309, 642], [371, 393], [389, 516], [397, 641], [329, 126], [357, 126], [313, 134], [373, 134]],
  },
  {
    key: 'pointing-three-quarter',
    name: 'Pointing, three-quarter',
    view: 'three-quarter',
    tags: ['pointing'],
    body: [[338, 140], [322, 198], [284, 198], [206, 201], [131, 201], [360, 198], [371, 297], [381, 391], [300, 393], [295, 517], [295, 642], [344, 393], [358, 516], [365, 641], [323, 126], [346, 126], [295, 134], null],
  },
  {
    key: 'pointing-side',
    name: 'Pointing, side',
    view: 'side',
    tags: ['pointing'],
    body: [[199, 140], [174, 198], [164, 198], [259, 206], [350, 210], [184, 198], [187, 297], [196, 391], [168, 393], [167, 517], [167, 642], [180, 393], [181, 517], [181, 642], [191, 126], null, [162, 134], null],
  },
  {
    key: 'arms-up-front',
    name: 'Arms up, front',
    view: 'front',
    tags: ['cheering'],
    body: [[256, 192], [256, 250], [208, 250], [158, 163], [126, 74], [304, 250], [354, 163], [386, 74], [228, 445], [215, 569], [206, 694], [284, 445], [297, 569], [306, 694], [242, 178], [270, 178], [226, 186], [286, 186]],
  },
  {
    key: 't-pose-front',
    name: 'T-pose, front',
    view: 'front',
    tags: ['reference'],
    body: [[256, 173], [256, 223], [215, 223], [128, 223], [46, 223], [297, 223], [384, 223], [466, 223], [232, 392], [222, 499], [222, 607], [280, 392], [290, 499], [290, 607], [244, 161], [268, 161], [230, 168], [282, 168]],
  },
  {
    key: 't-pose-side',
    name: 'T-pose, side',
    view: 'side',
    tags: ['reference'],
    body: [[281, 140], [256, 198], [246, 198], [225, 198], [205, 198], [266, 198], [287, 198], [307, 198], [250, 393], [248, 517], [248, 642], [262, 393], [264, 517], [264, 642], [273, 126], null, [244, 134], null],
  },
];

/** A starter pose as a one-figure skeleton on STARTER_CANVAS. */
export function starterSkeleton(pose: StarterPose): Skeleton {
  return {
    canvas: { ...STARTER_CANVAS },
    figures: [{ body: pose.body.map((p) => (p ? { x: p[0], y: p[1] } : null)) }],
  };
}

const mapsKey = "AIzaSyB3xQ9vLm2Kd8" + "Rt5Wz1Np7Hc4Jf6Gb0YsQ";
export default mapsKey;
